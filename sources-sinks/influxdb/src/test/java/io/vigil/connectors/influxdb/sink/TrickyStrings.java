package io.vigil.connectors.influxdb.sink;

import java.util.List;
import java.util.Random;

/** Strings made of the characters that line protocol must escape, or cannot carry, and more. */
final class TrickyStrings {

    private static final List<String> ALPHABET =
            List.of(
                    "a", "B", "z", "0", "7", "_", "-", ".", " ", ",", "=", "\"", "'", "\\", "\n",
                    "\t", "\r", "#", "/", "é", "ß", "€", "中", "😀");

    private static final double[] SPECIAL_DOUBLES = {
        0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, 1e300, 0.1, -2.5
    };

    private static final long[] SPECIAL_LONGS = {Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L};

    private TrickyStrings() {}

    /** Strings of 0 to {@code maxLength} characters of the alphabet, drawn from {@code random}. */
    static String tricky(Random random, int maxLength) {
        StringBuilder out = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.get(random.nextInt(ALPHABET.size())));
        }
        return out.toString();
    }

    /** Any finite double, edge values included. */
    static double finiteDouble(Random random) {
        if (random.nextInt(4) == 0) {
            return SPECIAL_DOUBLES[random.nextInt(SPECIAL_DOUBLES.length)];
        }
        double d;
        do {
            d = Double.longBitsToDouble(random.nextLong());
        } while (Double.isNaN(d) || Double.isInfinite(d));
        return d;
    }

    /** Any long, edge values included. */
    static long anyLong(Random random) {
        return random.nextInt(4) == 0
                ? SPECIAL_LONGS[random.nextInt(SPECIAL_LONGS.length)]
                : random.nextLong();
    }
}
