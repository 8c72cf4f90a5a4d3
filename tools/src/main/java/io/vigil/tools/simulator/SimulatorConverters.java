package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import io.vigil.tools.Cli;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/**
 * How {@link SimulatorCli} reads the values of its options that are not plain numbers or text. A
 * converter that throws anything but {@link Cli.BadValue} is reported as a bad value of its option.
 */
final class SimulatorConverters {

    private SimulatorConverters() {}

    /** Durations as {@code 10m}, {@code 90s} or {@code PT10S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value.trim());
        }
    }

    /** {@code 100}, {@code 100/s} or {@code real} (null: follow event time). */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String rate = value.trim();
            rate = rate.endsWith("/s") ? rate.substring(0, rate.length() - 2) : rate;
            return rate.equals("real") ? null : Double.valueOf(rate);
        }
    }

    /** {@code 3}, {@code 3.1.1} or {@code 5}. */
    static final class MqttVersionConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String version = value.trim();
            return version.equals("3.1.1") ? 3 : Integer.valueOf(version);
        }
    }

    /**
     * {@code bursts=5,drifts=2,silences=2,malformed=0.01}, also {@code lows}, {@code leaks}, {@code
     * rates}, {@code flatlines} and {@code sequences}; what is not named keeps its default.
     */
    static final class AnomaliesConverter implements ITypeConverter<Anomalies> {
        @Override
        public Anomalies convert(String list) {
            Anomalies anomalies = Anomalies.DEFAULT;
            for (String item : list.split(",")) {
                String[] pair = item.split("=", 2);
                String name = pair[0].trim();
                if (pair.length != 2 || !Anomalies.NAMES.contains(name)) {
                    throw new Cli.BadValue(
                            String.format(
                                    "--anomalies takes name=value pairs of bursts, drifts,"
                                            + " silences, lows, leaks, rates, flatlines,"
                                            + " sequences and malformed, got '%s'",
                                    item));
                }
                anomalies = anomalies.with(name, pair[1].trim());
            }
            return anomalies;
        }
    }
}
