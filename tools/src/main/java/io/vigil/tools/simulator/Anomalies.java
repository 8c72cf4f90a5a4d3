package io.vigil.tools.simulator;

import io.vigil.tools.Cli;
import java.util.List;
import java.util.Locale;

/**
 * The anomalies {@code simulate --anomalies} asks for; the defaults are {@link SimulatorOptions}'.
 */
record Anomalies(int bursts, int drifts, int silences, double malformedShare) {

    static final List<String> NAMES = List.of("bursts", "drifts", "silences", "malformed");

    static final Anomalies DEFAULT =
            new Anomalies(
                    SimulatorOptions.BURSTS.defaultValue(),
                    SimulatorOptions.DRIFTS.defaultValue(),
                    SimulatorOptions.SILENCES.defaultValue(),
                    SimulatorOptions.MALFORMED_SHARE.defaultValue());

    /** These anomalies with {@code name} set to {@code value}; malformed may be a percentage. */
    Anomalies with(String name, String value) {
        try {
            return switch (name) {
                case "bursts" -> new Anomalies(count(value), drifts, silences, malformedShare);
                case "drifts" -> new Anomalies(bursts, count(value), silences, malformedShare);
                case "silences" -> new Anomalies(bursts, drifts, count(value), malformedShare);
                default -> new Anomalies(bursts, drifts, silences, share(value));
            };
        } catch (NumberFormatException e) {
            throw new Cli.BadValue(
                    String.format("--anomalies %s has a bad value '%s'", name, value));
        }
    }

    private static int count(String value) {
        return Integer.parseInt(value);
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

    /** As {@code --anomalies} takes them: {@code bursts=5,drifts=2,silences=2,malformed=0.01}. */
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "bursts=%d,drifts=%d,silences=%d,malformed=%s",
                bursts,
                drifts,
                silences,
                malformedShare);
    }
}
