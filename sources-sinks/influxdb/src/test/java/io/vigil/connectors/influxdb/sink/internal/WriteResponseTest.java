package io.vigil.connectors.influxdb.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** How InfluxDB's answers are classified and read. */
class WriteResponseTest {

    private static WriteResponse.Kind kind(int status, String body) {
        return new WriteResponse(status, body, null).kind();
    }

    @Test
    void classifiesStatusCodes() {
        assertThat(kind(204, "")).isEqualTo(WriteResponse.Kind.SUCCESS);
        assertThat(kind(500, "{\"error\":\"timeout\"}")).isEqualTo(WriteResponse.Kind.RETRYABLE);
        assertThat(kind(503, "")).isEqualTo(WriteResponse.Kind.RETRYABLE);
        assertThat(kind(429, "")).isEqualTo(WriteResponse.Kind.RETRYABLE);
        assertThat(kind(408, "")).isEqualTo(WriteResponse.Kind.RETRYABLE);
        assertThat(kind(400, "{\"error\":\"unable to parse 'x': missing fields\"}"))
                .as("a batch of nothing but bad points, to narrow down")
                .isEqualTo(WriteResponse.Kind.UNPARSABLE_BATCH);
        assertThat(kind(400, "{\"error\":\"bad timestamp\"}")).isEqualTo(WriteResponse.Kind.FATAL);
        assertThat(kind(401, "{\"error\":\"authorization failed\"}"))
                .isEqualTo(WriteResponse.Kind.FATAL);
        assertThat(kind(403, "")).isEqualTo(WriteResponse.Kind.FATAL);
        assertThat(kind(404, "{\"error\":\"database not found: \\\"x\\\"\"}"))
                .isEqualTo(WriteResponse.Kind.FATAL);
        assertThat(kind(413, "")).isEqualTo(WriteResponse.Kind.FATAL);
        assertThat(
                        kind(
                                400,
                                "{\"error\":\"partial write: points beyond retention policy"
                                        + " dropped=2\"}"))
                .isEqualTo(WriteResponse.Kind.PARTIAL);
    }

    @Test
    void readsTheFieldTypeConflictOfAPartialWrite() {
        WriteResponse r =
                new WriteResponse(
                        400,
                        "{\"error\":\"partial write: field type conflict: input field \\\"x y\\\""
                                + " on measurement \\\"m,1\\\" is type string, already exists as"
                                + " type integer dropped=3\"}\n",
                        null);
        assertThat(r.errorMessage())
                .isEqualTo(
                        "partial write: field type conflict: input field \"x y\" on measurement"
                                + " \"m,1\" is type string, already exists as type integer"
                                + " dropped=3");
        assertThat(r.fieldTypeConflict()).containsExactly("x y", "m,1", "string", "integer");
        assertThat(r.droppedPoints()).isEqualTo(3);
        assertThat(r.unparsable()).isEmpty();
    }

    @Test
    void readsUnparsableLinesOfAPartialWrite() {
        WriteResponse r =
                new WriteResponse(
                        400,
                        "{\"error\":\"partial write: unable to parse 'a b': invalid field format\\n"
                                + "unable to parse 'c d': invalid field format dropped=0\"}",
                        null);
        assertThat(r.unparsable())
                .containsExactly(
                        "unable to parse 'a b': invalid field format",
                        "unable to parse 'c d': invalid field format dropped=0");
        assertThat(r.fieldTypeConflict()).isNull();
    }

    @Test
    void readsANonJsonBodyAsTheMessage() {
        assertThat(new WriteResponse(502, "<html>Bad Gateway</html>\n", null).errorMessage())
                .isEqualTo("<html>Bad Gateway</html>");
    }

    @Test
    void parsesRetryAfterAsSecondsOrHttpDate() {
        assertThat(InfluxDbHttpClient.parseRetryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(InfluxDbHttpClient.parseRetryAfter(null)).isNull();
        assertThat(InfluxDbHttpClient.parseRetryAfter("soon")).isNull();
        String inTenSeconds =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(InfluxDbHttpClient.parseRetryAfter(inTenSeconds))
                .isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
    }
}
