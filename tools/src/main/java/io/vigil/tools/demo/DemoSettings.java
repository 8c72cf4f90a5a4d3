package io.vigil.tools.demo;

import io.vigil.cep.config.Durations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The demo's command line: {@code [--influx-url URL] [--influx-database DB] [--web-port N]
 * [--devices N] [--seed S] [--output FILE] [--duration D]}.
 *
 * @param influxUrl InfluxDB to write to, or null to write line protocol to {@code output}
 * @param output the line-protocol file, or null for a new temporary file
 * @param webPortGiven whether {@code --web-port} was on the command line (a default port that is
 *     taken is replaced by a free one; a port asked for is not)
 */
record DemoSettings(
        String influxUrl,
        String influxDatabase,
        int webPort,
        boolean webPortGiven,
        int devices,
        long seed,
        Path output,
        Duration duration) {

    static final int DEFAULT_WEB_PORT = 8081;
    static final int DEFAULT_DEVICES = 40;
    static final long DEFAULT_SEED = 1;
    static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    static final Duration MIN_DURATION = Duration.ofMinutes(2);
    static final String DEFAULT_DATABASE = "vigil";

    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: vigil demo [OPTIONS]",
                    "",
                    "Runs everything on this machine: an MQTT broker, a simulated sensor fleet and"
                            + " the Vigil job on a",
                    "local Flink mini cluster. Prints alerts as they fire; Ctrl-C stops it all.",
                    "",
                    "Options:",
                    "  --influx-url URL        write to this InfluxDB (v1 /write API), e.g."
                            + " http://localhost:8086",
                    "  --influx-database DB    its database, created if missing (default vigil)",
                    "  --output FILE           without --influx-url: the line-protocol file,"
                            + " emptied first",
                    "                          (default: a new temporary file)",
                    "  --web-port N            port of Flink's web UI (default 8081, or a free"
                            + " one if 8081 is taken)",
                    "  --devices N             simulated devices, half microphones, half pumps"
                            + " (default 40)",
                    "  --seed S                seed of the simulation (default 1; the first seed"
                            + " from S on whose",
                    "                          first sound burst comes early is used)",
                    "  --duration D            how long the simulated fleet sends (default 1h,"
                            + " at least 2m);",
                    "                          the job keeps running until Ctrl-C",
                    "  -h, --help              print this text");

    /** Thrown for a bad command line; the message names the option and the value. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static DemoSettings parse(List<String> args) throws UsageException {
        String influxUrl = null;
        String database = DEFAULT_DATABASE;
        int webPort = DEFAULT_WEB_PORT;
        boolean webPortGiven = false;
        int devices = DEFAULT_DEVICES;
        long seed = DEFAULT_SEED;
        Path output = null;
        Duration duration = DEFAULT_DURATION;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            String value;
            int equals = option.indexOf('=');
            if (option.startsWith("--") && equals > 0) {
                value = option.substring(equals + 1);
                option = option.substring(0, equals);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                value = null;
            }
            if (value == null && isOption(option)) {
                throw new UsageException(String.format("%s needs a value", option));
            }
            switch (option) {
                case "--influx-url" -> influxUrl = value;
                case "--influx-database" -> database = value;
                case "--web-port" -> {
                    webPort = integer(option, value, 1, 65535);
                    webPortGiven = true;
                }
                case "--devices" -> devices = integer(option, value, 2, 10_000);
                case "--seed" -> seed = seed(value);
                case "--output" -> output = path(option, value);
                case "--duration" -> duration = duration(value);
                default ->
                        throw new UsageException(String.format("demo has no option '%s'", option));
            }
        }
        if (influxUrl != null && output != null) {
            throw new UsageException(
                    "--output and --influx-url exclude each other: the demo writes to one of them");
        }
        return new DemoSettings(
                influxUrl, database, webPort, webPortGiven, devices, seed, output, duration);
    }

    private static boolean isOption(String option) {
        return List.of(
                        "--influx-url",
                        "--influx-database",
                        "--web-port",
                        "--devices",
                        "--seed",
                        "--output",
                        "--duration")
                .contains(option);
    }

    private static int integer(String option, String value, int min, int max)
            throws UsageException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new UsageException(
                String.format(
                        "%s must be a whole number from %d to %d, was '%s'",
                        option, min, max, value));
    }

    private static long seed(String value) throws UsageException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(String.format("--seed must be a number, was '%s'", value));
        }
    }

    private static Path path(String option, String value) throws UsageException {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(
                    String.format("%s must be a file path, was '%s'", option, value));
        }
    }

    private static Duration duration(String value) throws UsageException {
        Duration duration;
        try {
            duration = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--duration: " + e.getMessage());
        }
        if (duration.compareTo(MIN_DURATION) < 0) {
            throw new UsageException(
                    String.format(
                            "--duration must be at least %s (episodes keep 30 s from either end),"
                                    + " was %s",
                            Durations.format(MIN_DURATION), value));
        }
        return duration;
    }
}
