package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.model.DeadLetterReason;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SenmlBaseTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void startsWithTimeZeroValueZeroAndNoUnit() throws Exception {
        SenmlBase base = new SenmlBase();

        assertThat(base.time()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(base.value()).isZero();
        assertThat(base.unit()).isNull();
    }

    @Test
    void keepsEachBaseFieldUntilARecordSetsItAgain() throws Exception {
        SenmlBase base = new SenmlBase();

        base.update(json("{\"bt\": 1764316800.5, \"bv\": 10, \"bu\": \"dB\"}"));
        base.update(json("{\"v\": 1}"));
        base.update(json("{\"bu\": \"Cel\"}"));

        assertThat(base.time()).isEqualByComparingTo("1764316800.5");
        assertThat(base.value()).isEqualTo(10.0);
        assertThat(base.unit()).isEqualTo("Cel");
    }

    @Test
    void rejectsTheRecordWithAnUnusableBaseFieldAndEveryRecordThatReliesOnIt() throws Exception {
        SenmlBase base = new SenmlBase();

        assertThatThrownBy(() -> base.update(json("{\"bt\": \"noon\", \"bu\": \"dB\"}")))
                .isInstanceOfSatisfying(
                        Rejection.class,
                        r -> assertThat(r.reason).isEqualTo(DeadLetterReason.BAD_TIMESTAMP))
                .hasMessage("field 'bt' is a string, expected seconds as a number");
        assertThat(base.unit()).as("the usable fields of that record still apply").isEqualTo("dB");
        assertThatThrownBy(base::time)
                .hasMessage(
                        "an earlier record's field 'bt' is a string, expected seconds as a"
                                + " number");

        base.update(json("{\"bt\": 1764316800}"));

        assertThat(base.time()).isEqualByComparingTo("1764316800");
    }

    @Test
    void reportsTheFirstUnusableFieldOfARecordInTheOrderTimeValueUnit() throws Exception {
        SenmlBase base = new SenmlBase();

        assertThatThrownBy(() -> base.update(json("{\"bu\": 1, \"bv\": \"x\"}")))
                .hasMessage("field 'bv' is a string, expected a number");
        assertThatThrownBy(base::unit)
                .hasMessage("an earlier record's field 'bu' is a number, expected a string");
    }
}
