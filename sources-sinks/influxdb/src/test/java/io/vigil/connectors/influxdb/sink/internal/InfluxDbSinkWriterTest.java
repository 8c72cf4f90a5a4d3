package io.vigil.connectors.influxdb.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.MetricsGroupTestUtils;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching, flush triggers, backpressure and error classification of the writer. */
class InfluxDbSinkWriterTest {

    private static final InfluxDbPointConverter<Long> CONVERTER =
            n ->
                    InfluxDbPoint.builder("m")
                            .tag("k", "v" + (n % 2))
                            .field("x", n)
                            .timestamp(1000 + n)
                            .build();

    private final ScriptedInfluxDbClient client = new ScriptedInfluxDbClient();
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final MetricListener metrics = new MetricListener();
    private InfluxDbSinkWriter<Long> writer;

    @AfterEach
    void closeWriter() throws Exception {
        if (writer != null) {
            writer.close();
        }
    }

    private static Configuration options() {
        Configuration c = new Configuration();
        c.set(InfluxDbSinkOptions.URL, "http://127.0.0.1:1");
        c.set(InfluxDbSinkOptions.DATABASE, "test");
        c.set(InfluxDbSinkOptions.RETRY_INITIAL_BACKOFF, Duration.ofMillis(1));
        c.set(InfluxDbSinkOptions.RETRY_MAX_BACKOFF, Duration.ofMillis(5));
        return c;
    }

    private InfluxDbSinkWriter<Long> writer(Configuration c) {
        writer =
                new InfluxDbSinkWriter<>(
                        CONVERTER,
                        InfluxDbWriterSettings.fromConfiguration(c),
                        client,
                        time,
                        MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup()),
                        0);
        return writer;
    }

    private static void write(SinkWriter<Long> writer, long from, long to) throws Exception {
        for (long n = from; n < to; n++) {
            writer.write(n, null);
        }
    }

    private long counter(String name) {
        return metrics.getCounter("influxdb", name).orElseThrow().getCount();
    }

    @Test
    void sendsABatchWhenItHoldsMaxPoints() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 3);
        InfluxDbSinkWriter<Long> w = writer(c);

        write(w, 0, 7);
        List<ScriptedInfluxDbClient.Request> requests = client.awaitRequests(2);

        assertThat(requests.get(0).lines())
                .containsExactly(
                        "m,k=v0 x=0i 1000000000",
                        "m,k=v1 x=1i 1001000000",
                        "m,k=v0 x=2i 1002000000");
        assertThat(requests.get(1).lines()).hasSize(3);
        Thread.sleep(50);
        assertThat(client.requests()).as("the 7th point waits for more").hasSize(2);
    }

    @Test
    void sendsABatchWhenItReachesMaxBytes() throws Exception {
        Configuration c = options();
        c.set(
                InfluxDbSinkOptions.BATCH_MAX_BYTES,
                org.apache.flink.configuration.MemorySize.parse("1kb"));
        InfluxDbSinkWriter<Long> w = writer(c);

        // Each line is 17 to 20 bytes: 1 KiB holds about 55 of them.
        write(w, 0, 100);
        List<ScriptedInfluxDbClient.Request> requests = client.awaitRequests(1);

        assertThat(requests.get(0).body.length()).isBetween(1000, 1100);
    }

    @Test
    void sendsWhatIsBufferedWhenTheFlushIntervalFires() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofSeconds(1));
        InfluxDbSinkWriter<Long> w = writer(c);

        write(w, 0, 2);
        time.advance(999);
        Thread.sleep(50);
        assertThat(client.requests()).isEmpty();
        time.advance(1);

        assertThat(client.awaitRequests(1).get(0).lines()).hasSize(2);
        write(w, 2, 3);
        time.advance(1000);
        assertThat(client.awaitRequests(2).get(1).lines()).hasSize(1);
    }

    @Test
    void flushReturnsOnlyWhenEveryBatchIsAcknowledged() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.hold();
        write(w, 0, 5);

        CompletableFuture<Void> flush =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                w.flush(false);
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
        client.awaitRequests(1);
        Thread.sleep(200);
        assertThat(flush).as("flush waits for InfluxDB").isNotDone();

        client.open();
        flush.get(10, TimeUnit.SECONDS);
        assertThat(counter("pointsWritten")).isEqualTo(5);
        assertThat(counter("batchesWritten")).isEqualTo(1);
    }

    @Test
    void blocksTheTaskWhenAllInFlightBatchesAreBusy() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 1);
        c.set(InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES, 2);
        InfluxDbSinkWriter<Long> w = writer(c);
        client.hold();

        CompletableFuture<Void> writes =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                write(w, 0, 3);
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
        client.awaitRequests(2);
        Thread.sleep(300);
        assertThat(writes).as("the third batch waits for a free slot").isNotDone();
        assertThat(client.requests()).hasSize(2);

        client.open();
        writes.get(10, TimeUnit.SECONDS);
        w.flush(false);
        assertThat(client.requests()).hasSize(3);
    }

    @Test
    void retriesConnectionFailuresServerErrorsAndTooManyRequests() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.thenFail(new ConnectException("Connection refused"))
                .thenRespond(503, "{\"error\":\"unavailable\"}")
                .thenRespond(500, "{\"error\":\"timeout\"}")
                .thenRespond(429, "{\"error\":\"slow down\"}", Duration.ofMillis(50));

        write(w, 0, 3);
        long start = System.nanoTime();
        w.flush(false);

        assertThat(client.requests()).hasSize(5);
        assertThat(client.requests()).allMatch(r -> r.lines().size() == 3);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("Retry-After honoured")
                .isGreaterThanOrEqualTo(50);
        assertThat(counter("retries")).isEqualTo(4);
        assertThat(counter("pointsWritten")).isEqualTo(3);
    }

    @Test
    void failsWithTheServersMessageAndSampleLinesOnAClientError() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.thenRespond(401, "{\"error\":\"authorization failed\"}");

        write(w, 0, 5);

        assertThatThrownBy(() -> w.flush(false))
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("authorization failed")
                .hasMessageContaining("check influxdb.username")
                .hasMessageContaining("m,k=v0 x=0i 1000000000")
                .hasMessageContaining("2 more");
        assertThat(client.requests()).as("not retried").hasSize(1);
        assertThatThrownBy(() -> w.write(9L, null))
                .as("the writer stays failed")
                .hasMessageContaining("authorization failed");
    }

    @Test
    void givesUpWhenRetriesAreUsedUp() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS, 3);
        InfluxDbSinkWriter<Long> w = writer(c);
        for (int i = 0; i < 5; i++) {
            client.thenRespond(503, "{\"error\":\"down\"}");
        }

        write(w, 0, 1);

        assertThatThrownBy(() -> w.flush(false))
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
        InfluxDbSinkWriter<Long> w = writer(c);
        for (int i = 0; i < 1000; i++) {
            client.thenFail(new ConnectException("Connection refused"));
        }

        write(w, 0, 1);

        assertThatThrownBy(() -> w.flush(false))
                .hasMessageContaining("Gave up")
                .hasMessageContaining("Connection refused")
                .hasRootCauseInstanceOf(ConnectException.class);
    }

    @Test
    void sendsPointsDroppedForAFieldTypeConflictToDeadLettersAndGoesOn() throws Exception {
        InfluxDbSinkWriter<Long> w =
                new InfluxDbSinkWriter<>(
                        n ->
                                n == 1
                                        ? InfluxDbPoint.builder("m")
                                                .field("x", "text")
                                                .timestamp(1001)
                                                .build()
                                        : CONVERTER.convert(n),
                        InfluxDbWriterSettings.fromConfiguration(options()),
                        client,
                        time,
                        MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup()),
                        0);
        writer = w;
        client.thenRespond(
                400,
                "{\"error\":\"partial write: field type conflict: input field \\\"x\\\" on"
                        + " measurement \\\"m\\\" is type string, already exists as type integer"
                        + " dropped=1\"}");

        write(w, 0, 3);
        w.flush(false);

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).lines())
                .singleElement()
                .asString()
                .startsWith("dead_letters,reason=rejected-by-sink,topic=m count=1i,error=")
                .contains("payload=\"m x=\\\"text\\\" 1001000000\"");
        assertThat(counter("failedPoints")).isEqualTo(1);
        assertThat(counter("pointsWritten")).isEqualTo(2);
    }

    @Test
    void splitsABatchRefusedForAFieldTypeConflictWithinItAndSendsTheRestAgain() throws Exception {
        InfluxDbSinkWriter<Long> w =
                new InfluxDbSinkWriter<>(
                        n ->
                                n == 1
                                        ? InfluxDbPoint.builder("m")
                                                .field("x", "text")
                                                .field("y", 1L)
                                                .timestamp(1001)
                                                .build()
                                        : CONVERTER.convert(n),
                        InfluxDbWriterSettings.fromConfiguration(options()),
                        client,
                        time,
                        MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup()),
                        0);
        writer = w;
        client.thenRespond(400, "{\"error\":\"field type conflict\"}");

        write(w, 0, 3);
        w.flush(false);

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).lines()).hasSize(3);
        assertThat(requests.get(1).lines())
                .containsExactly("m,k=v0 x=0i 1000000000", "m,k=v0 x=2i 1002000000");
        assertThat(requests.get(2).body)
                .startsWith("dead_letters,reason=rejected-by-sink,topic=m ")
                .contains("within one batch")
                .contains("payload=\"m x=\\\"text\\\",y=1i 1001000000\"");
        assertThat(counter("pointsWritten")).isEqualTo(2);
        assertThat(counter("failedPoints")).isEqualTo(1);
    }

    @Test
    void failsOnAPartialWriteWhenDeadLettersAreOff() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT, "");
        InfluxDbSinkWriter<Long> w = writer(c);
        client.thenRespond(
                400,
                "{\"error\":\"partial write: field type conflict: input field \\\"x\\\" on"
                        + " measurement \\\"m\\\" is type string, already exists as type integer"
                        + " dropped=1\"}");

        write(w, 0, 1);

        assertThatThrownBy(() -> w.flush(false))
                .hasMessageContaining("dropped points: partial write: field type conflict")
                .hasMessageContaining("influxdb.dead-letter-measurement");
    }

    @Test
    void sendsPointsLineProtocolCannotCarryToDeadLetters() throws Exception {
        InfluxDbSinkWriter<Long> w =
                new InfluxDbSinkWriter<>(
                        n ->
                                InfluxDbPoint.builder("m")
                                        .tag("k", n == 0 ? "two\nlines" : "ok")
                                        .field("x", n)
                                        .timestamp(n)
                                        .build(),
                        InfluxDbWriterSettings.fromConfiguration(options()),
                        client,
                        time,
                        MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup()),
                        3);
        writer = w;

        write(w, 0, 2);
        w.flush(false);

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).lines()).containsExactly("m,k=ok x=1i 1000000");
        assertThat(requests.get(1).body)
                .startsWith("dead_letters,reason=rejected-by-sink,topic=m ")
                .contains("contains a newline");
        assertThat(counter("failedPoints")).isEqualTo(1);
        assertThat(metrics.getCounter("numRecordsOutErrors")).isPresent();
    }

    @Test
    void sendsDeadLettersWhenTheyFillABatchEvenWithoutPoints() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 2);
        c.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ZERO);
        InfluxDbSinkWriter<Long> w =
                new InfluxDbSinkWriter<>(
                        n -> InfluxDbPoint.builder("m").field("x", Double.NaN).timestamp(n).build(),
                        InfluxDbWriterSettings.fromConfiguration(c),
                        client,
                        time,
                        MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup()),
                        0);
        writer = w;

        write(w, 0, 2);

        ScriptedInfluxDbClient.Request request = client.awaitRequests(1).get(0);
        assertThat(request.lines()).hasSize(2).allMatch(l -> l.contains("InfluxDB stores only"));
    }

    @Test
    void failsOnAPointLineProtocolCannotCarryWhenDeadLettersAreOff() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT, "");
        InfluxDbSinkWriter<Long> w =
                new InfluxDbSinkWriter<>(
                        n -> InfluxDbPoint.builder("m").field("time", n).timestamp(n).build(),
                        InfluxDbWriterSettings.fromConfiguration(c),
                        client,
                        time,
                        MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup()),
                        0);
        writer = w;

        assertThatThrownBy(() -> w.write(1L, null))
                .hasMessageContaining("Cannot write InfluxDbPoint{m")
                .hasMessageContaining("'time' is reserved")
                .hasMessageContaining("influxdb.dead-letter-measurement");
    }

    @Test
    void countsDroppedPointsItCannotNameInOneSummaryDeadLetter() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.thenRespond(
                400, "{\"error\":\"partial write: points beyond retention policy dropped=2\"}");

        write(w, 0, 3);
        w.flush(false);

        List<ScriptedInfluxDbClient.Request> requests = client.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).lines())
                .singleElement()
                .asString()
                .startsWith("dead_letters,reason=rejected-by-sink count=2i,")
                .contains("beyond retention policy");
        assertThat(counter("failedPoints")).isEqualTo(2);
        assertThat(counter("pointsWritten")).isEqualTo(1);
    }

    @Test
    void sendsEachLineInfluxDbCouldNotParseToDeadLetters() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.thenRespond(
                400,
                "{\"error\":\"partial write: unable to parse 'a': bad\\nunable to parse 'b':"
                        + " bad dropped=0\"}");

        write(w, 0, 3);
        w.flush(false);

        assertThat(client.requests().get(1).lines())
                .hasSize(2)
                .anyMatch(l -> l.contains("payload=\"unable to parse 'a': bad\""))
                .anyMatch(l -> l.contains("payload=\"unable to parse 'b': bad dropped=0\""));
        assertThat(counter("failedPoints")).isEqualTo(2);
    }

    @Test
    void failsWhenInfluxDbRejectsTheDeadLettersThemselves() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.thenRespond(
                        400,
                        "{\"error\":\"partial write: points beyond retention policy"
                                + " dropped=1\"}")
                .thenRespond(
                        400,
                        "{\"error\":\"partial write: field type conflict: input field"
                                + " \\\"count\\\" on measurement \\\"dead_letters\\\" is type"
                                + " integer, already exists as type float dropped=1\"}");

        write(w, 0, 1);

        assertThatThrownBy(() -> w.flush(false))
                .hasMessageContaining("rejected dead letters")
                .hasMessageContaining("already exists as type float");
    }

    @Test
    void failsWhenABatchRefusedForAConflictHasNoConflictToSplitOff() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.thenRespond(400, "{\"error\":\"field type conflict\"}");

        write(w, 0, 2);

        assertThatThrownBy(() -> w.flush(false))
                .hasMessageContaining("refused 2 line(s) with HTTP 400: field type conflict");
    }

    @Test
    void deadLettersInOneMillisecondDoNotOverwriteEachOther() {
        DeadLetters letters = new DeadLetters("dead_letters", 7);
        List<String> timestamps =
                java.util.stream.IntStream.range(0, 500)
                        .mapToObj(i -> letters.line("t", "p", "e", 1))
                        .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                        .distinct()
                        .collect(java.util.stream.Collectors.toList());
        assertThat(timestamps).hasSize(500);
    }

    @Test
    void failsClearlyOnAnUntrustedCertificateWithoutRetrying() throws Exception {
        InfluxDbSinkWriter<Long> w = writer(options());
        client.thenFail(
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed") {
                    {
                        initCause(new java.security.cert.CertificateException("untrusted"));
                    }
                });

        write(w, 0, 1);

        assertThatThrownBy(() -> w.flush(false))
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("influxdb.tls.ca-file");
        assertThat(client.requests()).hasSize(1);
    }

    @Test
    void flushesBeforeEveryCheckpointBarrierInFlinksSinkOperator() throws Exception {
        Configuration c = options();
        c.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofMinutes(10));
        try (OneInputStreamOperatorTestHarness<Long, CommittableMessage<Void>> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new SinkWriterOperatorFactory<Long, Void>(
                                new ScriptedSink(CONVERTER, c, client)))) {
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
                new OneInputStreamOperatorTestHarness<>(
                        new SinkWriterOperatorFactory<Long, Void>(
                                new ScriptedSink(CONVERTER, c, client)))) {
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

    /** The real sink's writer on the scripted client, for Flink's sink operator. */
    private static final class ScriptedSink implements Sink<Long> {
        private static final long serialVersionUID = 1L;
        private final InfluxDbPointConverter<Long> converter;
        private final Configuration config;
        private final transient ScriptedInfluxDbClient client;

        ScriptedSink(
                InfluxDbPointConverter<Long> converter,
                Configuration config,
                ScriptedInfluxDbClient client) {
            this.converter = converter;
            this.config = config;
            this.client = client;
        }

        @Override
        public SinkWriter<Long> createWriter(WriterInitContext context) throws IOException {
            return new InfluxDbSinkWriter<>(
                    converter,
                    InfluxDbWriterSettings.fromConfiguration(config),
                    client,
                    context.getProcessingTimeService(),
                    context.metricGroup(),
                    context.getTaskInfo().getIndexOfThisSubtask());
        }
    }
}
