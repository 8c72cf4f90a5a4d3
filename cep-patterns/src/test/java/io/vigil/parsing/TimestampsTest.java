package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.model.DeadLetterReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampsTest {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    0                               | 0
                    1764316800123                   | 1764316800123
                    1764316800123.9                 | 1764316800123
                    1.7643168001239E12              | 1764316800123
                    "2025-11-28T08:00:00.123Z"      | 1764316800123
                    "2025-11-28T09:00:00.123+01:00" | 1764316800123
                    "1970-01-01T00:00:00Z"          | 0
                    """)
    void readsEpochMillisAndIsoDateTimes(String ts, long millis) throws Exception {
        assertThat(Timestamps.epochMillis(json(ts))).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    -1                       | field 'ts' -1 is negative, before 1970-01-01
                    -0.5                     | field 'ts' -1 is negative, before 1970-01-01
                    Infinity                 | field 'ts' is not a finite number of epoch milliseconds
                    1e19                     | field 'ts' 1.0E+19 is out of range of epoch milliseconds
                    [1]                      | field 'ts' is an array, expected epoch milliseconds or an ISO-8601 string
                    "2025-11-28"             | field 'ts' '2025-11-28' is not an ISO-8601 date-time such as 2025-11-28T08:00:00.123Z
                    "2025-11-28T08:00"       | field 'ts' '2025-11-28T08:00' has no UTC offset (add Z or +01:00)
                    """)
    void rejectsTimesThatAreNoEpochMillisAsBadTimestamp(String ts, String detail) {
        assertThatThrownBy(() -> Timestamps.epochMillis(json(ts)))
                .isInstanceOfSatisfying(
                        Rejection.class,
                        r -> assertThat(r.reason).isEqualTo(DeadLetterReason.BAD_TIMESTAMP))
                .hasMessage(detail);
    }

    @Test
    void acceptsATimeUpToTheFutureBoundAndRejectsOneMillisecondMore() throws Exception {
        assertThat(Timestamps.checkFuture(1_600, "ts", 1_000, 600)).isEqualTo(1_600);
        assertThatThrownBy(() -> Timestamps.checkFuture(1_601, "ts", 1_000, 600))
                .isInstanceOfSatisfying(
                        Rejection.class,
                        r -> assertThat(r.reason).isEqualTo(DeadLetterReason.FUTURE_TIMESTAMP))
                .hasMessage(
                        "ts 1970-01-01T00:00:01.601Z is PT0.601S after the arrival time"
                                + " 1970-01-01T00:00:01Z, more than the allowed PT0.6S");
    }

    @Test
    void anUnboundedSkewDoesNotOverflow() throws Exception {
        assertThat(Timestamps.checkFuture(Long.MAX_VALUE, "ts", 1_000, Long.MAX_VALUE))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(Timestamps.saturatedAdd(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(Timestamps.saturatedAdd(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
        assertThat(Timestamps.saturatedAdd(-5, 3)).isEqualTo(-2);
    }
}
