package io.vigil.cep.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which keys {@code (site, device, metric)} an override applies to: a glob for each of site, device
 * and metric, {@code null} for any. In a glob, {@code *} matches any run of characters (none
 * included) and {@code ?} exactly one; every other character matches itself.
 *
 * <p>Of two selectors that match a key, the more <em>specific</em> one wins: the one that gives
 * more of site, device and metric, then the one with more literal characters (neither {@code *} nor
 * {@code ?}) in them, all together.
 */
public record KeySelector(String site, String device, String metric) implements Serializable {

    /** Most specific first; equally specific selectors keep their order. */
    public static final Comparator<KeySelector> MOST_SPECIFIC_FIRST =
            Comparator.comparingInt(KeySelector::fields)
                    .thenComparingInt(KeySelector::literals)
                    .reversed();

    public boolean matches(String site, String device, String metric) {
        return matches(this.site, site)
                && matches(this.device, device)
                && matches(this.metric, metric);
    }

    /** How many of site, device and metric are given. */
    public int fields() {
        return (int) globs().filter(g -> g != null).count();
    }

    /** How many characters of the globs are neither {@code *} nor {@code ?}. */
    public int literals() {
        return globs().filter(g -> g != null)
                .mapToInt(g -> (int) g.chars().filter(c -> c != '*' && c != '?').count())
                .sum();
    }

    /** Whether the two are equally specific: neither wins over the other. */
    public boolean equallySpecific(KeySelector other) {
        return MOST_SPECIFIC_FIRST.compare(this, other) == 0;
    }

    /** Whether some key with one of {@code metrics} ({@code *} for any) matches both. */
    public boolean overlaps(KeySelector other, List<String> metrics) {
        if (!overlap(site, other.site) || !overlap(device, other.device)) {
            return false;
        }
        if (metrics.contains(PatternSpec.ANY_METRIC)) {
            return overlap(metric, other.metric);
        }
        return metrics.stream().anyMatch(m -> matches(metric, m) && matches(other.metric, m));
    }

    /** E.g. {@code site plant-b, device mic-0*}: the selectors given. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (site != null) {
            parts.add("site " + site);
        }
        if (device != null) {
            parts.add("device " + device);
        }
        if (metric != null) {
            parts.add("metric " + metric);
        }
        return String.join(", ", parts);
    }

    private Stream<String> globs() {
        return Stream.of(site, device, metric);
    }

    /** Whether {@code text} matches {@code glob}; a {@code null} glob matches everything. */
    static boolean matches(String glob, String text) {
        return glob == null || overlap(glob, text, 0, 0, true);
    }

    /** Whether some text matches both globs; a {@code null} glob matches everything. */
    static boolean overlap(String a, String b) {
        return a == null || b == null || overlap(a, b, 0, 0, false);
    }

    /**
     * Whether {@code a[i..]} and {@code b[j..]} match a common text; with {@code literalB}, {@code
     * b} is a text whose {@code *} and {@code ?} are plain characters.
     */
    private static boolean overlap(String a, String b, int i, int j, boolean literalB) {
        boolean[][] memo = new boolean[a.length() + 1][b.length() + 1];
        boolean[][] known = new boolean[a.length() + 1][b.length() + 1];
        return overlap(a, b, i, j, literalB, memo, known);
    }

    private static boolean overlap(
            String a,
            String b,
            int i,
            int j,
            boolean literalB,
            boolean[][] memo,
            boolean[][] known) {
        if (known[i][j]) {
            return memo[i][j];
        }
        boolean aEnd = i == a.length();
        boolean bEnd = j == b.length();
        boolean aStar = !aEnd && a.charAt(i) == '*';
        boolean bStar = !bEnd && !literalB && b.charAt(j) == '*';
        boolean result;
        if (aEnd && bEnd) {
            result = true;
        } else if (aStar || bStar) {
            // A star either matches nothing more, or takes one more character of the other side
            // (a star facing a star: one of them ends first).
            result =
                    (aStar && overlap(a, b, i + 1, j, literalB, memo, known))
                            || (bStar && overlap(a, b, i, j + 1, literalB, memo, known))
                            || (aStar
                                    && !bEnd
                                    && !bStar
                                    && overlap(a, b, i, j + 1, literalB, memo, known))
                            || (bStar
                                    && !aEnd
                                    && !aStar
                                    && overlap(a, b, i + 1, j, literalB, memo, known));
        } else if (aEnd || bEnd) {
            result = false;
        } else {
            char x = a.charAt(i);
            char y = b.charAt(j);
            boolean same = x == y || x == '?' || (!literalB && y == '?');
            result = same && overlap(a, b, i + 1, j + 1, literalB, memo, known);
        }
        known[i][j] = true;
        memo[i][j] = result;
        return result;
    }
}
