package io.vigil.parsing;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Checks a property over many seeded random cases; a failing case is reported with its seed and
 * input, and that seed alone reruns it.
 *
 * <pre>{@code
 * PropertyChecks.forAll(1000, random -> RandomPayloads.bytes(random, 300), bytes -> {
 *     assertThat(parser.parse(new RawMessage(TOPIC, bytes, ARRIVAL)).deadLetters()).isNotNull();
 * });
 * }</pre>
 *
 * <p>Rerun one case with {@code mvn ... -Dtest='MyTest#myProperty' -Dvigil.property.seed=SEED}.
 */
final class PropertyChecks {

    /** System property that replaces the random cases by the one case of this seed. */
    static final String SEED_PROPERTY = "vigil.property.seed";

    private PropertyChecks() {}

    /**
     * Checks the property on {@code tries} inputs drawn from the generator, each from its own seed;
     * with the seed property set, on that seed's input only.
     */
    static <T> void forAll(
            int tries, Function<SplittableRandom, T> generator, Consumer<T> property) {
        String rerun = System.getProperty(SEED_PROPERTY);
        if (rerun != null) {
            check(Long.parseLong(rerun.trim()), generator, property);
        } else {
            // A fresh base seed each run explores new cases; each failure names its own seed.
            SplittableRandom seeds = new SplittableRandom();
            for (int i = 0; i < tries; i++) {
                check(seeds.nextLong(), generator, property);
            }
        }
    }

    /** Checks the property on the input the generator draws from this seed. */
    static <T> void check(
            long seed, Function<SplittableRandom, T> generator, Consumer<T> property) {
        T input = null;
        try {
            input = generator.apply(new SplittableRandom(seed));
            property.accept(input);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(
                    String.format(
                            "Property failed for seed %d (rerun it alone with -D%s=%d)%n"
                                    + "input: %s%n"
                                    + "%s",
                            seed, SEED_PROPERTY, seed, input, e.getMessage()),
                    e);
        }
    }
}
