package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The property runner reports a failing case so that it can be rerun. */
class PropertyChecksTest {

    @Test
    void failureNamesTheSeedTheInputAndTheCause() {
        assertThatThrownBy(
                        () ->
                                PropertyChecks.check(
                                        42L,
                                        random -> "input-" + random.nextInt(1000),
                                        input -> assertThat(input).isEqualTo("something else")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed 42")
                .hasMessageContaining("-Dvigil.property.seed=42")
                .hasMessageContaining("input: input-" + new SplittableRandom(42L).nextInt(1000))
                .hasMessageContaining("something else");
    }

    @Test
    void exceptionsFromThePropertyAreReportedWithTheSeed() {
        assertThatThrownBy(
                        () ->
                                PropertyChecks.check(
                                        7L,
                                        random -> "x",
                                        input -> {
                                            throw new IllegalStateException("boom");
                                        }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed 7")
                .hasMessageContaining("boom")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void sameSeedGivesTheSameInput() {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            PropertyChecks.check(
                    123L,
                    random -> RandomPayloads.describe(RandomPayloads.bytes(random, 50)),
                    inputs::add);
        }
        assertThat(inputs.get(0)).isEqualTo(inputs.get(1));
    }

    @Test
    void forAllRunsEveryTryOnItsOwnInput() {
        List<Integer> seen = new ArrayList<>();
        PropertyChecks.forAll(25, random -> random.nextInt(), seen::add);
        assertThat(seen).hasSize(25).doesNotHaveDuplicates();
    }

    @Test
    void mutationsChangeThePayloadAsListed() {
        byte[] payload = "{\"value\": 1}".getBytes(StandardCharsets.UTF_8);
        for (long seed = 0; seed < 200; seed++) {
            RandomPayloads.Mutated mutated =
                    RandomPayloads.mutate(new SplittableRandom(seed), payload, 4, "{}");
            byte[] replayed = payload;
            for (RandomPayloads.Mutation mutation : mutated.mutations()) {
                replayed = mutation.apply(replayed);
            }
            assertThat(mutated.mutations()).hasSizeBetween(1, 4);
            assertThat(mutated.result()).isEqualTo(replayed);
        }
    }
}
