package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.model.DeadLetter;
import io.vigil.model.RawMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonPayloadsTest {

    @Test
    void cutsAnArrayIntoTheExactTextOfEachElement() {
        String text = "[ {\"a\" : [1, 2.50]} ,\n  \"é\\\"]\", 1e400 ,null,[[]]]";

        assertThat(JsonPayloads.elementSlices(text))
                .extracting(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .containsExactly("{\"a\" : [1, 2.50]}", "\"é\\\"]\"", "1e400", "null", "[[]]");
    }

    @Test
    void readsOneValueAndTurnsBlankTextIntoAnEmptyDeadLetter() {
        RawMessage message = RawMessage.of("sensors/a/b/c", "  ", 0L);
        MessageResults results = new MessageResults(message, 0);

        assertThat(JsonPayloads.read("{\"value\": 1}", message.payload(), results).isObject())
                .isTrue();
        assertThat(JsonPayloads.read("  ", message.payload(), results)).isNull();
        assertThat(results.build().deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(tuple("empty", "payload is blank"));
    }

    @Test
    void boundsTheNestingDepth() {
        String atLimit =
                "[".repeat(JsonPayloads.MAX_NESTING_DEPTH)
                        + "]".repeat(JsonPayloads.MAX_NESTING_DEPTH);
        String beyond = "[" + atLimit + "]";
        MessageResults results = new MessageResults(RawMessage.of("sensors/a/b/c", "x", 0L), 0);

        assertThat(JsonPayloads.read(atLimit, new byte[0], results)).isNotNull();
        assertThat(JsonPayloads.read(beyond, new byte[0], results)).isNull();
        assertThat(results.build().deadLetters())
                .singleElement()
                .satisfies(
                        d ->
                                assertThat(d.detail())
                                        .startsWith("payload exceeds the JSON limits: "));
    }
}
