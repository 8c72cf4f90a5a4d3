package io.vigil.parsing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Small generators for property tests: sizes, bytes, strings, numbers with their edge cases, and
 * byte-level mutations of valid payloads.
 */
final class RandomPayloads {

    /** Doubles where parsing and printing go wrong first. */
    private static final List<Double> EDGE_DOUBLES =
            List.of(
                    0.0,
                    -0.0,
                    1.0,
                    -1.0,
                    0.01,
                    -0.01,
                    Double.MIN_VALUE,
                    -Double.MIN_VALUE,
                    Double.MIN_NORMAL,
                    Double.MAX_VALUE,
                    -Double.MAX_VALUE,
                    9007199254740993.0,
                    1e-300,
                    1e300);

    private RandomPayloads() {}

    /** A size in {@code [min, max]}; each bound is drawn an eighth of the time. */
    static int size(SplittableRandom random, int min, int max) {
        return switch (random.nextInt(8)) {
            case 0 -> min;
            case 1 -> max;
            default -> random.nextInt(min, max + 1);
        };
    }

    /** A long in {@code [min, max]}; each bound is drawn an eighth of the time. */
    static long longBetween(SplittableRandom random, long min, long max) {
        return switch (random.nextInt(8)) {
            case 0 -> min;
            case 1 -> max;
            default -> min == max ? min : random.nextLong(min, max);
        };
    }

    /** Any finite double: edge cases, two-decimal values of every magnitude, and random bits. */
    static double finiteDouble(SplittableRandom random) {
        switch (random.nextInt(4)) {
            case 0:
                return oneOf(random, EDGE_DOUBLES);
            case 1:
                return BigDecimal.valueOf(random.nextLong() >> random.nextInt(64), 2).doubleValue();
            default:
                double value;
                do {
                    value = Double.longBitsToDouble(random.nextLong());
                } while (!Double.isFinite(value));
                return value;
        }
    }

    static <T> T oneOf(SplittableRandom random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    static <T> List<T> listOf(
            SplittableRandom random, int min, int max, Function<SplittableRandom, T> element) {
        int size = size(random, min, max);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.apply(random));
        }
        return list;
    }

    static byte[] bytes(SplittableRandom random, int maxSize) {
        byte[] bytes = new byte[size(random, 0, maxSize)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A string of {@code [minLength, maxLength]} characters taken from the alphabet. */
    static String string(SplittableRandom random, String alphabet, int minLength, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int i = size(random, minLength, maxLength); i > 0; i--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** Up to {@code maxCount} tokens, each drawn from the list, concatenated. */
    static String tokens(SplittableRandom random, List<String> tokens, int maxCount) {
        return String.join("", listOf(random, 0, maxCount, r -> oneOf(r, tokens)));
    }

    /**
     * The payload after one to {@code maxCount} mutations, each at a position inside the payload as
     * it stands: byte flips, truncations, and insertions of any byte or of a character from {@code
     * structural}.
     */
    static Mutated mutate(
            SplittableRandom random, byte[] payload, int maxCount, String structural) {
        List<Mutation> mutations = new ArrayList<>();
        byte[] result = payload;
        for (int i = size(random, 1, maxCount); i > 0; i--) {
            Mutation mutation = mutation(random, result.length, structural);
            mutations.add(mutation);
            result = mutation.apply(result);
        }
        return new Mutated(payload, mutations, result);
    }

    private static Mutation mutation(SplittableRandom random, int length, String structural) {
        int kind = length == 0 ? 2 : random.nextInt(3);
        return switch (kind) {
            case 0 -> new Flip(random.nextInt(length), random.nextInt(1, 256));
            case 1 -> new Truncate(random.nextInt(length));
            default -> {
                byte inserted =
                        random.nextBoolean()
                                ? (byte) random.nextInt(256)
                                : (byte) structural.charAt(random.nextInt(structural.length()));
                yield new Insert(random.nextInt(length + 1), inserted);
            }
        };
    }

    /** Bytes as lenient UTF-8 text with control characters escaped, then as hex, exactly. */
    static String describe(byte[] bytes) {
        StringBuilder text = new StringBuilder("\"");
        new String(bytes, StandardCharsets.UTF_8)
                .codePoints()
                .forEach(
                        c -> {
                            if (c < 0x20 || c == 0x7f) {
                                text.append(String.format("\\u%04x", c));
                            } else {
                                text.appendCodePoint(c);
                            }
                        });
        return text.append("\" (hex ")
                .append(HexFormat.of().formatHex(bytes))
                .append(')')
                .toString();
    }

    /** A change to a payload's bytes. */
    interface Mutation {
        byte[] apply(byte[] payload);
    }

    /** XORs the byte at {@code position} with {@code mask}. */
    record Flip(int position, int mask) implements Mutation {
        @Override
        public byte[] apply(byte[] payload) {
            byte[] copy = payload.clone();
            copy[position] = (byte) (copy[position] ^ mask);
            return copy;
        }
    }

    /** Keeps the first {@code length} bytes. */
    record Truncate(int length) implements Mutation {
        @Override
        public byte[] apply(byte[] payload) {
            return Arrays.copyOf(payload, length);
        }
    }

    /** Inserts one byte before {@code position}. */
    record Insert(int position, byte inserted) implements Mutation {
        @Override
        public byte[] apply(byte[] payload) {
            byte[] copy = new byte[payload.length + 1];
            System.arraycopy(payload, 0, copy, 0, position);
            copy[position] = inserted;
            System.arraycopy(payload, position, copy, position + 1, payload.length - position);
            return copy;
        }
    }

    /** A payload, the mutations applied to it in order, and the result. */
    record Mutated(byte[] original, List<Mutation> mutations, byte[] result) {
        @Override
        public String toString() {
            return String.format(
                    "%s mutated by %s into %s", describe(original), mutations, describe(result));
        }
    }
}
