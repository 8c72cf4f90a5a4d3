package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The parser fuzzer, seeded: {@value #DEFAULT_INPUTS} hostile inputs in the normal suite; the
 * {@code fuzz} Maven profile runs 10^6 ({@code -Dvigil.fuzz.parser-inputs}, {@code
 * -Dvigil.fuzz.seed}). The figures go to {@code target/fuzz/parser-fuzz.txt} and stdout.
 */
class ParserFuzzTest {

    static final long DEFAULT_INPUTS = 10_000;

    /** The seed of the normal suite; any failure names the input, which this seed makes again. */
    static final long DEFAULT_SEED = 20261203;

    @Test
    void everyInputBecomesReadingsOrDeadLettersWithinTheCapsAndNothingThrows() throws Exception {
        long inputs = Long.getLong("vigil.fuzz.parser-inputs", DEFAULT_INPUTS);
        long seed = Long.getLong("vigil.fuzz.seed", DEFAULT_SEED);

        ParserFuzz fuzz = new ParserFuzz(seed, inputs).run();
        String figures = fuzz.writeFigures(Path.of("target", "fuzz", "parser-fuzz.txt"));
        System.out.print(figures);

        assertThat(fuzz.problems()).as(figures).isEmpty();
        assertThat(fuzz.exceptions()).isZero();
        assertThat(fuzz.lastResortCatches()).isZero();
        assertThat(fuzz.unaccounted()).isZero();
        assertThat(fuzz.capViolations()).isZero();
        // The generator reaches every kind and both outcomes, and every reason the parser has.
        assertThat(fuzz.byKind()).hasSize(FuzzPayloads.Kind.values().length);
        assertThat(fuzz.withReadings()).isPositive();
        assertThat(fuzz.withDeadLetters()).isPositive();
        assertThat(fuzz.deadLettersByReason().keySet())
                .containsExactlyInAnyOrderElementsOf(
                        SensorMessageParser.REASONS.stream().map(r -> r.code()).toList());
    }
}
