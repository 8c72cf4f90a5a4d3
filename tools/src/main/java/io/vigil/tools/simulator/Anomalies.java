package io.vigil.tools.simulator;

import io.vigil.tools.Cli;
import java.util.List;
import java.util.Locale;

/**
 * The anomalies {@code simulate --anomalies} asks for; the defaults are {@link SimulatorOptions}'.
 * {@code lows}, {@code leaks}, {@code rates}, {@code flatlines} and {@code sequences}, the episodes
 * of {@code fleet-all-types.yaml}, are 0 unless asked for (see {@link SimulationSpec}).
 */
record Anomalies(
        int bursts,
        int drifts,
        int silences,
        int lows,
        int leaks,
        int rates,
        int flatlines,
        int sequences,
        double malformedShare) {

    static final List<String> NAMES =
            List.of(
                    "bursts",
                    "drifts",
                    "silences",
                    "lows",
                    "leaks",
                    "rates",
                    "flatlines",
                    "sequences",
                    "malformed");

    static final Anomalies DEFAULT =
            new Anomalies(
                    SimulatorOptions.BURSTS.defaultValue(),
                    SimulatorOptions.DRIFTS.defaultValue(),
                    SimulatorOptions.SILENCES.defaultValue(),
                    0,
                    0,
                    0,
                    0,
                    0,
                    SimulatorOptions.MALFORMED_SHARE.defaultValue());

    /** These anomalies with {@code name} set to {@code value}; malformed may be a percentage. */
    Anomalies with(String name, String value) {
        try {
            return switch (name) {
                case "malformed" ->
                        new Anomalies(
                                bursts,
                                drifts,
                                silences,
                                lows,
                                leaks,
                                rates,
                                flatlines,
                                sequences,
                                share(value));
                default -> withCount(name, Integer.parseInt(value));
            };
        } catch (NumberFormatException e) {
            throw new Cli.BadValue(
                    String.format("--anomalies %s has a bad value '%s'", name, value));
        }
    }

    private Anomalies withCount(String name, int count) {
        int[] counts = {bursts, drifts, silences, lows, leaks, rates, flatlines, sequences};
        counts[NAMES.indexOf(name)] = count;
        return new Anomalies(
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                counts[4],
                counts[5],
                counts[6],
                counts[7],
                malformedShare);
    }

    private static double share(String value) {
        if (!value.endsWith("%")) {
            return Double.parseDouble(value);
        }
        try {
            return Double.parseDouble(value.substring(0, value.length() - 1)) / 100;
        } catch (NumberFormatException e) {
            throw new Cli.BadValue(
                    String.format("--anomalies malformed is not a percentage: '%s'", value));
        }
    }

    /**
     * As {@code --anomalies} takes them: {@code bursts=5,drifts=2,silences=2,malformed=0.01}, with
     * the kinds of {@code fleet-all-types.yaml} only when asked for ({@code ...,lows=2,...}).
     */
    @Override
    public String toString() {
        StringBuilder text =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "bursts=%d,drifts=%d,silences=%d",
                                bursts,
                                drifts,
                                silences));
        int[] machines = {lows, leaks, rates, flatlines, sequences};
        if (lows + leaks + rates + flatlines + sequences > 0) {
            for (int i = 0; i < machines.length; i++) {
                text.append(',').append(NAMES.get(3 + i)).append('=').append(machines[i]);
            }
        }
        return text.append(",malformed=").append(malformedShare).toString();
    }
}
