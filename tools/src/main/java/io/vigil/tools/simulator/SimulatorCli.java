package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * The {@code simulate} command: generates a {@link FleetSimulation} from command-line flags, writes
 * its ground truth to a labels file and publishes it to an MQTT broker with progress on the
 * terminal.
 *
 * <pre>{@code
 * simulate --broker tcp://localhost:1883 --devices 20 --duration 10m --seed 7 \
 *          --anomalies bursts=5,drifts=2,silences=2,malformed=0.01 --labels labels.jsonl
 * }</pre>
 *
 * <p>Exit codes: 0 when every message was acknowledged, 1 when publishing failed, 2 for bad
 * arguments. The MQTT password is read from {@value #PASSWORD_ENV}, never from the command line.
 */
public final class SimulatorCli {

    /** The environment variable holding the MQTT password. */
    public static final String PASSWORD_ENV = "VIGIL_MQTT_PASSWORD";

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /** Flags that take a value, each setting one option. */
    private static final Map<String, ConfigOption<?>> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("broker", SimulatorOptions.BROKER_URI);
        FLAGS.put("sites", SimulatorOptions.SITES);
        FLAGS.put("devices", SimulatorOptions.DEVICES);
        FLAGS.put("duration", SimulatorOptions.DURATION);
        FLAGS.put("start", SimulatorOptions.START);
        FLAGS.put("rate", SimulatorOptions.RATE);
        FLAGS.put("seed", SimulatorOptions.SEED);
        FLAGS.put("sound-period", SimulatorOptions.SOUND_PERIOD);
        FLAGS.put("temperature-period", SimulatorOptions.TEMPERATURE_PERIOD);
        FLAGS.put("labels", SimulatorOptions.LABELS);
        FLAGS.put("qos", SimulatorOptions.QOS);
        FLAGS.put("mqtt-version", SimulatorOptions.MQTT_VERSION);
        FLAGS.put("username", SimulatorOptions.USERNAME);
        FLAGS.put("client-id", SimulatorOptions.CLIENT_ID);
        FLAGS.put("max-in-flight", SimulatorOptions.MAX_IN_FLIGHT);
        FLAGS.put("ack-timeout", SimulatorOptions.ACK_TIMEOUT);
    }

    private static final Map<String, ConfigOption<?>> ANOMALIES =
            Map.of(
                    "bursts", SimulatorOptions.BURSTS,
                    "drifts", SimulatorOptions.DRIFTS,
                    "silences", SimulatorOptions.SILENCES,
                    "malformed", SimulatorOptions.MALFORMED_SHARE);

    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: simulate --broker URI [options]",
                    "Publishes a simulated sensor fleet to MQTT and writes its ground truth.",
                    "",
                    "  --broker URI            tcp://host:port or ssl://host:port (not needed"
                            + " with --dry-run)",
                    "  --sites N               sites plant-a, plant-b, ... (default 1)",
                    "  --devices N             devices per site, alternately mic-NN and pump-NN"
                            + " (default 10)",
                    "  --duration D            event-time span, e.g. 10m, 90s, 1h (default 10m)",
                    "  --start T               now, an ISO-8601 instant or epoch ms (default now)",
                    "  --rate R                messages per second (100 or 100/s), 0 = as fast as"
                            + " possible, real = follow event time (default)",
                    "  --seed S                same seed, same messages (default 1)",
                    "  --anomalies LIST        e.g. bursts=5,drifts=2,silences=2,malformed=0.01"
                            + " (malformed also as 1%)",
                    "  --labels FILE           write the ground truth as JSON lines",
                    "  --qos N                 0, 1 or 2 (default 1)",
                    "  --mqtt-version V        3 (3.1.1) or 5 (default 5)",
                    "  --username U            MQTT user; the password comes from " + PASSWORD_ENV,
                    "  --client-id ID          MQTT client id (default vigil-simulator)",
                    "  --sound-period D        time between sound readings (default 1s)",
                    "  --temperature-period D  time between temperature readings (default 5s)",
                    "  --payloads mixed|plain  payload forms (default mixed)",
                    "  --max-in-flight N       unacknowledged messages at most (default 1000)",
                    "  --ack-timeout D         wait for the last acknowledgements (default 30s)",
                    "  --dry-run               generate and write labels, publish nothing",
                    "  --help                  this text");

    private SimulatorCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Settings settings;
        FleetSimulation simulation;
        try {
            settings = parse(args);
            if (settings.help) {
                out.println(USAGE);
                return EXIT_OK;
            }
            simulation = FleetSimulation.generate(settings.spec());
        } catch (IllegalArgumentException e) {
            err.println("simulate: " + e.getMessage());
            err.println("Run with --help for the options.");
            return EXIT_USAGE;
        }
        out.println(describe(simulation));
        String labels = settings.config.get(SimulatorOptions.LABELS);
        if (labels != null) {
            try {
                LabelsFile.write(Path.of(labels), simulation.episodes());
            } catch (IOException e) {
                err.printf("simulate: cannot write the labels file %s: %s%n", labels, e);
                return EXIT_FAILED;
            }
            out.printf("ground truth: %d episodes in %s%n", simulation.episodes().size(), labels);
        }
        if (settings.dryRun) {
            return EXIT_OK;
        }
        MqttFleetPublisher publisher;
        try {
            publisher = settings.publisher(env, out, err);
        } catch (IllegalArgumentException e) {
            err.println("simulate: " + e.getMessage());
            return EXIT_USAGE;
        }
        try {
            MqttFleetPublisher.Report report = publisher.publish(simulation);
            if (!report.isComplete()) {
                err.printf(
                        "simulate: %d of %d messages failed and %d were not acknowledged in"
                                + " time%s%n",
                        report.failed(),
                        report.total(),
                        report.unacked(),
                        report.firstError() == null ? "" : "; first error: " + report.firstError());
                return EXIT_FAILED;
            }
            return EXIT_OK;
        } catch (FlinkRuntimeException e) {
            err.println("simulate: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private static String describe(FleetSimulation simulation) {
        SimulationSpec spec = simulation.spec();
        long malformed = simulation.episodes(Episode.Kind.MALFORMED).size();
        return String.format(
                Locale.ROOT,
                "simulation: %d site(s) x %d devices, %s of event time from %s, seed %d: %d"
                        + " messages (%d readings, %d malformed), %d bursts, %d drifts, %d"
                        + " silences",
                spec.sites(),
                spec.devicesPerSite(),
                Durations.format(spec.duration()),
                Instant.ofEpochMilli(spec.startMillis()),
                spec.seed(),
                simulation.messages().size(),
                simulation.readings().size(),
                malformed,
                spec.bursts(),
                spec.drifts(),
                spec.silences());
    }

    static Settings parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        Settings settings = new Settings();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException(String.format("unexpected argument '%s'", arg));
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (name.equals("help") || name.equals("dry-run")) {
                if (value != null) {
                    throw new IllegalArgumentException(
                            String.format("--%s takes no value, got '%s'", name, value));
                }
                settings.help |= name.equals("help");
                settings.dryRun |= name.equals("dry-run");
                continue;
            }
            if (name.equals("password")) {
                throw new IllegalArgumentException(
                        "the MQTT password is never taken from the command line; set "
                                + PASSWORD_ENV);
            }
            if (!FLAGS.containsKey(name) && !name.equals("anomalies") && !name.equals("payloads")) {
                throw new IllegalArgumentException(String.format("unknown option --%s", name));
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(String.format("--%s needs a value", name));
                }
                value = args[++i];
            }
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException(String.format("--%s is given twice", name));
            }
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> flag : values.entrySet()) {
            String name = flag.getKey();
            String value = flag.getValue().trim();
            if (name.equals("anomalies")) {
                parseAnomalies(value, options);
            } else if (name.equals("payloads")) {
                if (!value.equals("mixed") && !value.equals("plain")) {
                    throw new IllegalArgumentException(
                            String.format("--payloads must be mixed or plain, was '%s'", value));
                }
                options.put(
                        SimulatorOptions.MIXED_PAYLOADS.key(),
                        String.valueOf(value.equals("mixed")));
            } else if (name.equals("rate")) {
                String rate = value.endsWith("/s") ? value.substring(0, value.length() - 2) : value;
                if (!rate.equals("real")) {
                    options.put(SimulatorOptions.RATE.key(), rate);
                }
            } else if (name.equals("mqtt-version") && value.equals("3.1.1")) {
                options.put(SimulatorOptions.MQTT_VERSION.key(), "3");
            } else {
                options.put(FLAGS.get(name).key(), value);
            }
        }
        settings.config = Configuration.fromMap(options);
        // Read every option once, so that a value of the wrong type is reported by its flag.
        for (Map.Entry<String, ConfigOption<?>> flag : FLAGS.entrySet()) {
            read(settings.config, flag.getValue(), "--" + flag.getKey());
        }
        for (Map.Entry<String, ConfigOption<?>> anomaly : ANOMALIES.entrySet()) {
            read(settings.config, anomaly.getValue(), "--anomalies " + anomaly.getKey());
        }
        return settings;
    }

    private static void parseAnomalies(String list, Map<String, String> options) {
        for (String item : list.split(",")) {
            String[] pair = item.split("=", 2);
            String name = pair[0].trim();
            if (pair.length != 2 || !ANOMALIES.containsKey(name)) {
                throw new IllegalArgumentException(
                        String.format(
                                "--anomalies takes name=value pairs of bursts, drifts, silences"
                                        + " and malformed, got '%s'",
                                item));
            }
            String value = pair[1].trim();
            if (name.equals("malformed") && value.endsWith("%")) {
                try {
                    value =
                            String.valueOf(
                                    Double.parseDouble(value.substring(0, value.length() - 1))
                                            / 100);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "--anomalies malformed is not a percentage: '%s'", pair[1]));
                }
            }
            options.put(ANOMALIES.get(name).key(), value);
        }
    }

    private static <T> T read(Configuration config, ConfigOption<T> option, String flag) {
        try {
            return config.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s has a bad value '%s'", flag, config.toMap().get(option.key())),
                    e);
        }
    }

    /** The parsed command line. */
    static final class Settings {
        boolean help;
        boolean dryRun;
        Configuration config;

        Pacing pacing() {
            Double rate = config.get(SimulatorOptions.RATE);
            if (rate == null) {
                return Pacing.realTime();
            }
            if (!(rate >= 0) || rate.isInfinite()) {
                throw new IllegalArgumentException(
                        String.format(
                                "--rate must be 0 (as fast as possible) or a positive number of"
                                        + " messages per second, was %s",
                                rate));
            }
            return Pacing.perSecond(rate);
        }

        SimulationSpec spec() {
            Duration duration = config.get(SimulatorOptions.DURATION);
            Pacing pacing = pacing();
            return SimulationSpec.builder()
                    .setSites(config.get(SimulatorOptions.SITES))
                    .setDevicesPerSite(config.get(SimulatorOptions.DEVICES))
                    .setDuration(duration)
                    .setStartMillis(start(config.get(SimulatorOptions.START), duration, pacing))
                    .setSoundPeriod(config.get(SimulatorOptions.SOUND_PERIOD))
                    .setTemperaturePeriod(config.get(SimulatorOptions.TEMPERATURE_PERIOD))
                    .setSeed(config.get(SimulatorOptions.SEED))
                    .setBursts(config.get(SimulatorOptions.BURSTS))
                    .setDrifts(config.get(SimulatorOptions.DRIFTS))
                    .setSilences(config.get(SimulatorOptions.SILENCES))
                    .setMalformedShare(config.get(SimulatorOptions.MALFORMED_SHARE))
                    .setMixedPayloads(config.get(SimulatorOptions.MIXED_PAYLOADS))
                    .build();
        }

        MqttFleetPublisher publisher(Map<String, String> env, PrintStream out, PrintStream err) {
            String broker = config.get(SimulatorOptions.BROKER_URI);
            if (broker == null) {
                throw new IllegalArgumentException(
                        "--broker is required, e.g. --broker tcp://localhost:1883 (or use"
                                + " --dry-run)");
            }
            String username = config.get(SimulatorOptions.USERNAME);
            String password = env.get(PASSWORD_ENV);
            if (username == null && password != null) {
                err.printf(
                        "simulate: %s is set but --username is not; connecting without"
                                + " credentials%n",
                        PASSWORD_ENV);
            }
            return MqttFleetPublisher.builder()
                    .setBrokerUri(broker)
                    .setClientId(config.get(SimulatorOptions.CLIENT_ID))
                    .setQos(config.get(SimulatorOptions.QOS))
                    .setMqttVersion(config.get(SimulatorOptions.MQTT_VERSION))
                    .setUsername(username)
                    .setPassword(username == null ? null : password)
                    .setPacing(pacing())
                    .setMaxInFlight(config.get(SimulatorOptions.MAX_IN_FLIGHT))
                    .setAckTimeout(config.get(SimulatorOptions.ACK_TIMEOUT))
                    .setConnectTimeout(config.get(SimulatorOptions.CONNECT_TIMEOUT))
                    .setProgress(out)
                    .build();
        }

        /**
         * The event-time start. {@code now} with real-time pacing starts now, so readings arrive
         * when their time comes; with any other pacing the simulation ends now, so that no reading
         * lies in the future, where the parser would reject it.
         */
        private static long start(String start, Duration duration, Pacing pacing) {
            if (start.equals("now")) {
                long now = System.currentTimeMillis();
                return pacing.followsEventTime() ? now : Math.max(0, now - duration.toMillis());
            }
            try {
                return start.chars().allMatch(Character::isDigit)
                        ? Long.parseLong(start)
                        : Instant.parse(start).toEpochMilli();
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException(
                        String.format(
                                "--start must be now, an ISO-8601 instant such as"
                                        + " 2025-11-28T08:00:00Z or epoch milliseconds, was '%s'",
                                start),
                        e);
            }
        }
    }
}
