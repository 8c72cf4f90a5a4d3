package io.vigil.connectors.influxdb.sink.internal;

import static io.vigil.connectors.influxdb.sink.internal.WriterFixture.CONVERTER;
import static io.vigil.connectors.influxdb.sink.internal.WriterFixture.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.influxdb.sink.DeadLetterPoints;
import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching, flush triggers, backpressure, error classification and rejected points. */
class InfluxDbSinkWriterTest {

    private static final String PARTIAL_WRITE_OF_X_AS_STRING =
            "{\"error\":\"partial write: field type conflict: input field \\\"x\\\" on"
                    + " measurement \\\"m\\\" is type string, already exists as type integer"
                    + " dropped=1\"}";

    private final WriterFixture fixture = new WriterFixture();
    private final ScriptedInfluxDbClient client = fixture.client;
    private final DeadLetterPoints deadLetters = new DeadLetterPoints();

    InfluxDbSinkWriterTest() throws Exception {}

    @AfterEach
    void closeWriter() throws Exception {
        fixture.close();
    }

    /** A writer whose rejected points become dead-letter points. */
    private InfluxDbSinkWriter<Long> writer(Configuration c) throws Exception {
        return fixture.open(c, deadLetters);
    }

    private InfluxDbSinkWriter<Long> writer(InfluxDbPointConverter<Long> converter)
            throws Exception {
        return fixture.open(converter, options(), deadLetters, 0, List.of());
    }

    /** Point 1 holds a string for x, which the others hold as an integer. */
    private static InfluxDbPointConverter<Long> stringAt1(String field, Object... more) {
        return n -> {
            if (n != 1) {
                return CONVERTER.convert(n);
            }
            InfluxDbPoint.Builder point = InfluxDbPoint.builder("m").field(field, "text");
            for (Object extra : more) {
                point.field((String) extra, 1L);
            }
            return point.timestamp(1001).build();
        };
    }

    @Test
    void sendsABatchWhenItHoldsMaxPoints() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 3);
        writer(c);

        fixture.write(0, 7);
        List<ScriptedInfluxDbClient.Request> requests = client.awaitRequests(2);

        // Two sender threads: the requests may reach the server in either order.
        assertThat(requests)
                .extracting(ScriptedInfluxDbClient.Request::lines)
                .containsExactlyInAnyOrder(
                        List.of(
                                "m,k=v0 x=0i 1000000000",
                                "m,k=v1 x=1i 1001000000",
                                "m,k=v0 x=2i 1002000000"),
                        List.of(
                                "m,k=v1 x=3i 1003000000",
                                "m,k=v0 x=4i 1004000000",
                                "m,k=v1 x=5i 1005000000"));
        Thread.sleep(50);
        assertThat(client.requests()).as("the 7th point waits for more").hasSize(2);
    }

    @Test
    void sendsABatchWhenItReachesMaxBytes() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_BYTES, MemorySize.parse("1kb"));
        writer(c);

        // Each line is 17 to 20 bytes: 1 KiB holds about 55 of them.
        fixture.write(0, 100);
        List<ScriptedInfluxDbClient.Request> requests = client.awaitRequests(1);

        assertThat(requests.get(0).body.length()).isBetween(1000, 1100);
    }

    @Test
    void sendsALineLongerThanTheBatchLimitAlone() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_BYTES, MemorySize.parse("1kb"));
        String big = "b".repeat(2000);
        fixture.open(
                n ->
                        InfluxDbPoint.builder("m")
                                .field("s", n == 1 ? big : "small")
                                .timestamp(n)
                                .build(),
                c,
                deadLetters,
                0,
                List.of());

        fixture.write(0, 3);
        fixture.flush();

        assertThat(client.requests()).extracting(r -> r.lines().size()).containsExactly(1, 1, 1);
        // Sender threads may deliver the three requests in any order.
        assertThat(client.requests())
                .filteredOn(r -> r.body.contains(big))
                .singleElement()
                .satisfies(r -> assertThat(r.lines()).hasSize(1));
    }

    @Test
    void sendsWhatIsBufferedWhenTheFlushIntervalFires() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofSeconds(1));
        writer(c);

        fixture.write(0, 2);
        fixture.advanceTime(999);
        Thread.sleep(50);
        assertThat(client.requests()).isEmpty();
        fixture.advanceTime(1);

        assertThat(client.awaitRequests(1).get(0).lines()).hasSize(2);
        fixture.write(2, 3);
        fixture.advanceTime(1000);
        assertThat(client.awaitRequests(2).get(1).lines()).hasSize(1);
    }

    @Test
    void flushReturnsOnlyWhenEveryBatchIsAcknowledged() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.hold();
        fixture.write(0, 5);

        CompletableFuture<Void> flush = fixture.start(() -> w.flush(false));
        client.awaitRequests(1);
        Thread.sleep(200);
        assertThat(flush).as("flush waits for InfluxDB").isNotDone();

        client.open();
        flush.get(10, TimeUnit.SECONDS);
        assertThat(fixture.counter("pointsWritten")).isEqualTo(5);
        assertThat(fixture.counter("batchesWritten")).isEqualTo(1);
    }

    @Test
    void blocksTheTaskWhenAllInFlightBatchesAreBusyAndTheNextBatchIsFull() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 1);
        c.set(InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES, 2);
        writer(c);
        client.hold();

        // Points 0 and 1 are in flight; 2 and 3 fill the buffer (one batch and one point).
        CompletableFuture<Void> writes = fixture.start(() -> fixture.writeOnTask(0, 5));
        client.awaitRequests(2);
        Thread.sleep(300);
        assertThat(writes).as("the fifth point waits for a free slot").isNotDone();
        assertThat(client.requests()).hasSize(2);

        client.open();
        writes.get(10, TimeUnit.SECONDS);
        fixture.flush();
        assertThat(client.requests()).hasSize(5);
    }

    @Test
    void retriesConnectionFailuresServerErrorsAndTooManyRequests() throws Exception {
        writer(options());
        client.thenFail(new ConnectException("Connection refused"))
                .thenRespond(503, "{\"error\":\"unavailable\"}")
                .thenRespond(500, "{\"error\":\"timeout\"}")
                .thenRespond(429, "{\"error\":\"slow down\"}", Duration.ofMillis(50));

        fixture.write(0, 3);
        long start = System.nanoTime();
        fixture.flush();

        assertThat(client.requests()).hasSize(5);
        assertThat(client.requests()).allMatch(r -> r.lines().size() == 3);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("Retry-After honoured")
                .isGreaterThanOrEqualTo(50);
        assertThat(fixture.counter("retries")).isEqualTo(4);
        assertThat(fixture.counter("pointsWritten")).isEqualTo(3);
    }

    @Test
    void failsWithTheServersMessageAndSampleLinesOnAClientError() throws Exception {
        writer(options());
        client.thenRespond(401, "{\"error\":\"authorization failed\"}");

        fixture.write(0, 5);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("authorization failed")
                .hasMessageContaining("check influxdb.username")
                .hasMessageContaining("m,k=v0 x=0i 1000000000")
                .hasMessageContaining("2 more");
        assertThat(client.requests()).as("not retried").hasSize(1);
        assertThatThrownBy(() -> fixture.write(9, 10))
                .as("the writer stays failed")
                .hasMessageContaining("authorization failed");
    }

    @Test
    void givesUpWhenRetriesAreUsedUp() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS, 3);
        writer(c);
        for (int i = 0; i < 5; i++) {
            client.thenRespond(503, "{\"error\":\"down\"}");
        }

        fixture.write(0, 1);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("Gave up writing 1 line(s)")
                .hasMessageContaining("after 3 attempt(s)")
                .hasMessageContaining("HTTP 503: down");
        assertThat(client.requests()).hasSize(3);
    }

    @Test
    void givesUpWhenTheRetryDurationIsUsedUp() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.RETRY_MAX_DURATION, Duration.ofMillis(100));
        c.set(InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS, 1000);
        writer(c);
        for (int i = 0; i < 1000; i++) {
            client.thenFail(new ConnectException("Connection refused"));
        }

        fixture.write(0, 1);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("Gave up")
                .hasMessageContaining("Connection refused")
                .hasRootCauseInstanceOf(ConnectException.class);
    }

    /**
     * Writes points 0 to 2 and flushes; expects the batch, then one request with one dead letter,
     * and returns the assertion on that dead letter's line.
     */
    private AbstractStringAssert<?> assertOneDeadLetterAfterWritingThreePoints() throws Exception {
        fixture.write(0, 3);
        fixture.flush();

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).hasSize(2);
        return assertThat(requests.get(1).lines()).singleElement().asString();
    }

    @Test
    void handsPointsDroppedForAFieldTypeConflictToTheHandlerAndGoesOn() throws Exception {
        writer(stringAt1("x"));
        client.thenRespond(400, PARTIAL_WRITE_OF_X_AS_STRING);

        assertOneDeadLetterAfterWritingThreePoints()
                .startsWith("dead_letters,reason=rejected-by-sink,topic=m count=1i,error=")
                .contains("payload=\"m x=\\\"text\\\" 1001000000\"");
        assertThat(fixture.counter("failedPoints")).isEqualTo(1);
        assertThat(fixture.counter("pointsWritten")).isEqualTo(2);
    }

    @Test
    void logsAndDropsRejectedPointsWithoutAHandler() throws Exception {
        fixture.open(stringAt1("x"), options(), null, 0, List.of());
        client.thenRespond(400, PARTIAL_WRITE_OF_X_AS_STRING);

        fixture.write(0, 3);
        fixture.flush();

        assertThat(client.requests()).as("nothing written in their place").hasSize(1);
        assertThat(fixture.counter("failedPoints")).isEqualTo(1);
        assertThat(fixture.counter("pointsWritten")).isEqualTo(2);
    }

    @Test
    void splitsABatchRefusedForAFieldTypeConflictWithinItAndSendsTheRestAgain() throws Exception {
        writer(stringAt1("x", "y"));
        client.thenRespond(400, "{\"error\":\"field type conflict\"}");

        fixture.write(0, 3);
        fixture.flush();

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).lines()).hasSize(3);
        assertThat(requests.get(1).lines())
                .containsExactly("m,k=v0 x=0i 1000000000", "m,k=v0 x=2i 1002000000");
        assertThat(requests.get(2).body)
                .startsWith("dead_letters,reason=rejected-by-sink,topic=m ")
                .contains("within one batch")
                .contains("payload=\"m x=\\\"text\\\",y=1i 1001000000\"");
        assertThat(fixture.counter("pointsWritten")).isEqualTo(2);
        assertThat(fixture.counter("failedPoints")).isEqualTo(1);
    }

    @Test
    void failsOnAPartialWriteWhenDeadLettersAreOff() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT, "");
        fixture.open(c, null);
        client.thenRespond(400, PARTIAL_WRITE_OF_X_AS_STRING);

        fixture.write(0, 1);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("dropped points: partial write: field type conflict")
                .hasMessageContaining("influxdb.dead-letter-measurement");
    }

    @Test
    void handsPointsLineProtocolCannotCarryToTheHandler() throws Exception {
        fixture.open(
                n ->
                        InfluxDbPoint.builder("m")
                                .tag("k", n == 0 ? "two\nlines" : "ok")
                                .field("x", n)
                                .timestamp(n)
                                .build(),
                options(),
                deadLetters,
                3,
                List.of());

        fixture.write(0, 2);
        fixture.flush();

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).lines()).containsExactly("m,k=ok x=1i 1000000");
        assertThat(requests.get(1).body)
                .startsWith("dead_letters,reason=rejected-by-sink,topic=m ")
                .contains("contains a newline");
        assertThat(fixture.counter("failedPoints")).isEqualTo(1);
        assertThat(fixture.metrics.getCounter("numRecordsOutErrors")).isPresent();
        assertThat(deadLetters.subtask()).as("opened with its subtask").isEqualTo(3);
    }

    @Test
    void sendsDeadLettersWhenTheyFillABatchEvenWithoutPoints() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 2);
        c.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ZERO);
        fixture.open(
                n -> InfluxDbPoint.builder("m").field("x", Double.NaN).timestamp(n).build(),
                c,
                deadLetters,
                0,
                List.of());

        fixture.write(0, 2);

        ScriptedInfluxDbClient.Request request = client.awaitRequests(1).get(0);
        assertThat(request.lines()).hasSize(2).allMatch(l -> l.contains("InfluxDB stores only"));
    }

    @Test
    void failsOnAPointLineProtocolCannotCarryWhenDeadLettersAreOff() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT, "");
        fixture.open(
                n -> InfluxDbPoint.builder("m").field("time", n).timestamp(n).build(),
                c,
                null,
                0,
                List.of());

        assertThatThrownBy(() -> fixture.write(1, 2))
                .hasMessageContaining("Cannot write InfluxDbPoint{m")
                .hasMessageContaining("'time' is reserved")
                .hasMessageContaining("influxdb.dead-letter-measurement");
    }

    @Test
    void summarisesDroppedPointsItCannotNameWithTheirCount() throws Exception {
        writer(options());
        client.thenRespond(
                400, "{\"error\":\"partial write: points beyond retention policy dropped=2\"}");

        assertOneDeadLetterAfterWritingThreePoints()
                .startsWith("dead_letters,reason=rejected-by-sink count=2i,")
                .contains("beyond retention policy");
        assertThat(fixture.counter("failedPoints")).isEqualTo(2);
        assertThat(fixture.counter("pointsWritten")).isEqualTo(1);
    }

    @Test
    void handsEachLineInfluxDbCouldNotParseToTheHandler() throws Exception {
        writer(options());
        client.thenRespond(
                400,
                "{\"error\":\"partial write: unable to parse 'a': bad\\nunable to parse 'b':"
                        + " bad dropped=0\"}");

        fixture.write(0, 3);
        fixture.flush();

        assertThat(client.requests().get(1).lines())
                .hasSize(2)
                .anyMatch(l -> l.contains("payload=\"unable to parse 'a': bad\""))
                .anyMatch(l -> l.contains("payload=\"unable to parse 'b': bad dropped=0\""));
        assertThat(fixture.counter("failedPoints")).isEqualTo(2);
    }

    @Test
    void narrowsABatchRefusedAsAWholeDownToItsBadPointsAndWritesTheRest() throws Exception {
        writer(options());
        String unparsable =
                "{\"error\":\"unable to parse 'm,k=v1 x=1i 1001000000': max key length"
                        + " exceeded\"}";
        // 4 points: the whole batch, half [0,1], its halves [0] and [1], then half [2,3].
        client.thenRespond(400, unparsable)
                .thenRespond(400, unparsable)
                .thenRespond(204, "")
                .thenRespond(400, unparsable)
                .thenRespond(204, "");

        fixture.write(0, 4);
        fixture.flush();

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).as("5 writes narrowing down, then the dead letter").hasSize(6);
        assertThat(requests.stream().limit(5).map(ScriptedInfluxDbClient.Request::lines))
                .containsExactly(
                        List.of(
                                "m,k=v0 x=0i 1000000000",
                                "m,k=v1 x=1i 1001000000",
                                "m,k=v0 x=2i 1002000000",
                                "m,k=v1 x=3i 1003000000"),
                        List.of("m,k=v0 x=0i 1000000000", "m,k=v1 x=1i 1001000000"),
                        List.of("m,k=v0 x=0i 1000000000"),
                        List.of("m,k=v1 x=1i 1001000000"),
                        List.of("m,k=v0 x=2i 1002000000", "m,k=v1 x=3i 1003000000"));
        assertThat(requests.get(5).body)
                .startsWith("dead_letters,reason=rejected-by-sink,topic=m count=1i,")
                .contains("max key length exceeded")
                .contains("payload=\"m,k=v1 x=1i 1001000000\"");
        assertThat(fixture.counter("pointsWritten")).isEqualTo(3);
        assertThat(fixture.counter("failedPoints")).isEqualTo(1);
    }

    @Test
    void failsOnABatchRefusedAsAWholeWhenDeadLettersAreOff() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT, "");
        fixture.open(c, null);
        client.thenRespond(400, "{\"error\":\"unable to parse 'm x': missing fields\"}");

        fixture.write(0, 2);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("refused 2 line(s) with HTTP 400: unable to parse");
        assertThat(client.requests()).as("not narrowed down").hasSize(1);
    }

    @Test
    void failsWhenInfluxDbRejectsTheDeadLettersThemselves() throws Exception {
        writer(options());
        client.thenRespond(
                        400,
                        "{\"error\":\"partial write: points beyond retention policy"
                                + " dropped=1\"}")
                .thenRespond(
                        400,
                        "{\"error\":\"partial write: field type conflict: input field"
                                + " \\\"count\\\" on measurement \\\"dead_letters\\\" is type"
                                + " integer, already exists as type float dropped=1\"}");

        fixture.write(0, 1);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("rejected dead letters")
                .hasMessageContaining("already exists as type float");
    }

    @Test
    void failsWhenABatchRefusedForAConflictHasNoConflictToSplitOff() throws Exception {
        writer(options());
        client.thenRespond(400, "{\"error\":\"field type conflict\"}");

        fixture.write(0, 2);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("refused 2 line(s) with HTTP 400: field type conflict");
    }

    @Test
    void failsClearlyOnAnUntrustedCertificateWithoutRetrying() throws Exception {
        writer(options());
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("untrusted"));
        client.thenFail(untrusted);

        fixture.write(0, 1);

        assertThatThrownBy(fixture::flush)
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("influxdb.tls.ca-file");
        assertThat(client.requests()).hasSize(1);
    }

    @Test
    void writesPointsRestoredFromWriterStateFirst() throws Exception {
        InfluxDbLineSerializer serializer = new InfluxDbLineSerializer();
        List<RequestEntryWrapper<InfluxDbLine>> buffered = new ArrayList<>();
        for (long n = 0; n < 2; n++) {
            InfluxDbLine entry = InfluxDbLine.of(CONVERTER.convert(n));
            buffered.add(new RequestEntryWrapper<>(entry, entry.bytes));
        }
        BufferedRequestState<InfluxDbLine> restored =
                serializer.deserialize(
                        serializer.getVersion(),
                        serializer.serialize(new BufferedRequestState<>(buffered)));
        InfluxDbSinkWriter<Long> w =
                fixture.open(CONVERTER, options(), deadLetters, 0, List.of(restored));

        fixture.write(2, 3);
        fixture.flush();

        assertThat(client.requests().get(0).lines())
                .containsExactly(
                        "m,k=v0 x=0i 1000000000",
                        "m,k=v1 x=1i 1001000000",
                        "m,k=v0 x=2i 1002000000");
        fixture.run(
                () ->
                        assertThat(w.snapshotState(1))
                                .singleElement()
                                .satisfies(
                                        s ->
                                                assertThat(s.getBufferedRequestEntries())
                                                        .as("flushed before the snapshot")
                                                        .isEmpty()));
    }

    @Test
    void flushesBeforeEveryCheckpointBarrierInFlinksSinkOperator() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofMinutes(10));
        try (OneInputStreamOperatorTestHarness<Long, CommittableMessage<Void>> harness =
                operatorHarness(c)) {
            harness.open();
            harness.processElement(1L, 0);
            harness.processElement(2L, 0);
            assertThat(client.requests()).isEmpty();

            harness.prepareSnapshotPreBarrier(1);

            assertThat(client.requests()).hasSize(1);
            assertThat(client.requests().get(0).lines()).hasSize(2);
            harness.processElement(3L, 0);
            harness.endInput();
            assertThat(client.requests()).hasSize(2);
        }
        assertThat(client.isClosed()).isTrue();
    }

    @Test
    void sendsOnTheFlushIntervalInFlinksSinkOperator() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofMillis(500));
        try (OneInputStreamOperatorTestHarness<Long, CommittableMessage<Void>> harness =
                operatorHarness(c)) {
            harness.open();
            harness.setProcessingTime(0);
            harness.processElement(1L, 0);
            harness.setProcessingTime(499);
            Thread.sleep(50);
            assertThat(client.requests()).isEmpty();
            harness.setProcessingTime(500);
            assertThat(client.awaitRequests(1).get(0).lines())
                    .containsExactly("m,k=v1 x=1i 1001000000");
        }
    }

    private OneInputStreamOperatorTestHarness<Long, CommittableMessage<Void>> operatorHarness(
            Configuration c) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new SinkWriterOperatorFactory<Long, Void>(new ScriptedSink(c, client)));
    }

    /** The real writer on the scripted client, for Flink's sink operator. */
    private static final class ScriptedSink implements Sink<Long> {
        private static final long serialVersionUID = 1L;
        private final Configuration config;
        private final transient ScriptedInfluxDbClient client;

        ScriptedSink(Configuration config, ScriptedInfluxDbClient client) {
            this.config = config;
            this.client = client;
        }

        @Override
        public SinkWriter<Long> createWriter(WriterInitContext context) {
            InfluxDbRejectedPointHandler handler = new DeadLetterPoints();
            return new InfluxDbSinkWriter<>(
                    new InfluxDbLineEncoder<>(CONVERTER, false, client.target()),
                    InfluxDbWriterSettings.fromConfiguration(config),
                    handler,
                    client,
                    context,
                    List.of());
        }
    }
}
