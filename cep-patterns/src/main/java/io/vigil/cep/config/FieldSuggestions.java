package io.vigil.cep.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Guesses which known field an unknown key misspells, for "did you mean" hints. */
final class FieldSuggestions {

    /** The most edits a key may be away from a field and still count as its typo. */
    private static final int MAX_EDITS = 2;

    private FieldSuggestions() {}

    /** The allowed key that {@code key} most likely misspells, if any is close. */
    static Optional<String> suggestion(String key, List<String> allowed) {
        // Case, '_' and ' ' for '-' are the usual slips from other config formats.
        String normal = key.toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
        return allowed.stream()
                .filter(a -> a.equals(normal) || editDistance(normal, a) <= MAX_EDITS)
                .min(Comparator.comparingInt(a -> editDistance(normal, a)));
    }

    /** The Levenshtein distance: insertions, deletions and substitutions, one each. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + substitution);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
