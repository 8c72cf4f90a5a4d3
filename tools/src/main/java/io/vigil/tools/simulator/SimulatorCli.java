package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import io.vigil.tools.Cli;
import io.vigil.tools.ExitCode;
import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
import io.vigil.tools.simulator.SimulatorConverters.AnomaliesConverter;
import io.vigil.tools.simulator.SimulatorConverters.DurationConverter;
import io.vigil.tools.simulator.SimulatorConverters.MqttVersionConverter;
import io.vigil.tools.simulator.SimulatorConverters.RateConverter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.flink.util.FlinkRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The {@code simulate} command: generates a {@link FleetSimulation} from command-line flags, writes
 * its ground truth to a labels file and publishes it to an MQTT broker with progress on the
 * terminal. A flag {@code --name} stands for the option {@code simulator.name} of {@link
 * SimulatorOptions}, whose default it has and whose description is its help ({@link
 * SimulatorHelp}).
 *
 * <pre>{@code
 * vigil simulate --broker tcp://localhost:1883 --devices 20 --duration 10m --seed 7 \
 *          --anomalies bursts=5,drifts=2,silences=2,malformed=0.01 --labels labels.jsonl
 * vigil simulate --dry-run --anomalies lows=2,leaks=2,rates=2,flatlines=2,sequences=2 \
 *          --labels labels.jsonl
 * }</pre>
 *
 * <p>Exit codes: 0 when every message was acknowledged, 1 when publishing failed, 2 for bad
 * arguments. The MQTT password is read from {@value #PASSWORD_ENV}, never from the command line.
 *
 * <p>The class is long (about 410 lines) because it is the command's whole lifecycle: flags,
 * validation with their messages, the labels file, publishing with progress and the exit code; the
 * simulation, the options and their help are classes of their own.
 */
@Command(
        name = "simulate",
        header = "publish a simulated fleet with injected anomalies and its ground truth",
        customSynopsis = "simulate --broker URI | --kafka SERVERS [options]",
        description = "Publishes a simulated sensor fleet to MQTT and writes its ground truth.",
        optionListHeading = "%nOptions:%n",
        sortOptions = false,
        resourceBundle = "io.vigil.tools.simulator.SimulatorHelp",
        footer = {
            "",
            "Durations as 10m, 90s, 1h or PT10M. --rate also as 100/s, or real for the default."
        })
public final class SimulatorCli implements Callable<Integer> {

    /** The environment variable holding the MQTT password. */
    public static final String PASSWORD_ENV = "VIGIL_MQTT_PASSWORD";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Spec private CommandSpec spec;

    @Option(names = "--broker", paramLabel = "URI", descriptionKey = "broker-uri")
    private String broker;

    @Option(
            names = "--kafka",
            paramLabel = "SERVERS",
            description =
                    "Write to Kafka instead of MQTT, as an MQTT-to-Kafka bridge does (MQTT topic as"
                            + " the record key): bootstrap servers host:port[,host:port].")
    private String kafka;

    @Option(
            names = "--kafka-topic",
            paramLabel = "TOPIC",
            description = "The Kafka topic to write to with --kafka (default: ${DEFAULT-VALUE}).")
    private String kafkaTopic = "mqtt-sensors";

    @Option(names = "--sites", paramLabel = "N")
    private int sites = SimulatorOptions.SITES.defaultValue();

    @Option(names = "--devices", paramLabel = "N")
    private int devices = SimulatorOptions.DEVICES.defaultValue();

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class)
    private Duration duration = SimulatorOptions.DURATION.defaultValue();

    @Option(names = "--start", paramLabel = "T")
    private String start = SimulatorOptions.START.defaultValue();

    @Option(names = "--rate", paramLabel = "R", converter = RateConverter.class)
    private Double rate;

    @Option(names = "--seed", paramLabel = "S")
    private long seed = SimulatorOptions.SEED.defaultValue();

    @Option(
            names = "--anomalies",
            paramLabel = "LIST",
            converter = AnomaliesConverter.class,
            description =
                    "Anomalies to inject, e.g. bursts=3,malformed=2%%; also the episodes of"
                            + " fleet-all-types.yaml: lows (fuel level), leaks (pressure falling),"
                            + " rates (vibration climbing), flatlines (stuck pressure sensors),"
                            + " sequences (a press hot, then loud), which add tanks, lines,"
                            + " motors and presses to each site; what is not named keeps its"
                            + " default: ${DEFAULT-VALUE}.")
    private Anomalies anomalies = Anomalies.DEFAULT;

    @Option(names = "--labels", paramLabel = "FILE")
    private Path labels;

    @Option(names = "--qos", paramLabel = "N")
    private int qos = SimulatorOptions.QOS.defaultValue();

    @Option(names = "--mqtt-version", paramLabel = "V", converter = MqttVersionConverter.class)
    private int mqttVersion = SimulatorOptions.MQTT_VERSION.defaultValue();

    @Option(names = "--username", paramLabel = "U")
    private String username;

    @Option(names = "--client-id", paramLabel = "ID")
    private String clientId = SimulatorOptions.CLIENT_ID.defaultValue();

    @Option(names = "--sound-period", paramLabel = "D", converter = DurationConverter.class)
    private Duration soundPeriod = SimulatorOptions.SOUND_PERIOD.defaultValue();

    @Option(names = "--temperature-period", paramLabel = "D", converter = DurationConverter.class)
    private Duration temperaturePeriod = SimulatorOptions.TEMPERATURE_PERIOD.defaultValue();

    private boolean mixedPayloads = SimulatorOptions.MIXED_PAYLOADS.defaultValue();

    @Option(names = "--max-in-flight", paramLabel = "N")
    private int maxInFlight = SimulatorOptions.MAX_IN_FLIGHT.defaultValue();

    @Option(names = "--ack-timeout", paramLabel = "D", converter = DurationConverter.class)
    private Duration ackTimeout = SimulatorOptions.ACK_TIMEOUT.defaultValue();

    @Option(
            names = "--dry-run",
            description = "Generate and write the labels, publish nothing (no --broker needed).")
    private boolean dryRun;

    @Mixin private Cli.HelpOption help;

    @Unmatched private final List<String> unknown = new ArrayList<>();

    /**
     * The command, reading the MQTT password from {@code env} and printing to {@code out} and
     * {@code err}.
     */
    public SimulatorCli(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs the command on its own, as {@code vigil simulate} does; returns the exit code. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return Cli.configure(new CommandLine(new SimulatorCli(env, out, err)), out, err)
                .execute(args);
    }

    @Option(
            names = "--payloads",
            paramLabel = "mixed|plain",
            description = "Payload forms: mixed (the default) or plain.")
    void payloads(String value) {
        String payloads = value.trim();
        if (!payloads.equals("mixed") && !payloads.equals("plain")) {
            throw usageError(
                    String.format("--payloads must be mixed or plain, was '%s'", payloads));
        }
        mixedPayloads = payloads.equals("mixed");
    }

    @Option(names = "--password", hidden = true)
    void refusePassword(String password) {
        throw usageError(
                "the MQTT password is never taken from the command line; set " + PASSWORD_ENV);
    }

    @Override
    public Integer call() {
        if (!unknown.isEmpty()) {
            String arg = unknown.get(0);
            throw usageError(
                    arg.startsWith("--") && arg.length() > 2
                            ? "unknown option " + arg.split("=", 2)[0]
                            : String.format("unexpected argument '%s'", arg));
        }
        FleetSimulation simulation;
        MqttFleetPublisher publisher = null;
        KafkaFleetPublisher kafkaPublisher = null;
        try {
            simulation = FleetSimulation.generate(spec());
            if (!dryRun && kafka != null) {
                kafkaPublisher = kafkaPublisher();
            } else if (!dryRun) {
                publisher = publisher();
            }
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        out.println(describe(simulation));
        if (labels != null) {
            try {
                LabelsFile.write(labels, simulation.episodes());
            } catch (IOException e) {
                err.printf("simulate: cannot write the labels file %s: %s%n", labels, e);
                return ExitCode.FAILED;
            }
            out.printf("ground truth: %d episodes in %s%n", simulation.episodes().size(), labels);
        }
        if (kafkaPublisher != null) {
            return publish(kafkaPublisher, simulation);
        }
        return publisher == null ? ExitCode.OK : publish(publisher, simulation);
    }

    private int publish(KafkaFleetPublisher publisher, FleetSimulation simulation) {
        return exitCode(
                () -> publisher.publish(simulation),
                report ->
                        String.format(
                                "%d of %d records failed or were not acknowledged",
                                report.total() - report.acked(), report.total()));
    }

    private KafkaFleetPublisher kafkaPublisher() {
        if (broker != null) {
            throw new IllegalArgumentException("--broker and --kafka cannot be used together");
        }
        return KafkaFleetPublisher.builder()
                .setBootstrapServers(kafka)
                .setTopic(kafkaTopic)
                .setPacing(pacing())
                .setProgress(out)
                .build();
    }

    private int publish(MqttFleetPublisher publisher, FleetSimulation simulation) {
        return exitCode(
                () -> publisher.publish(simulation),
                report ->
                        String.format(
                                "%d of %d messages failed and %d were not acknowledged in time",
                                report.failed(), report.total(), report.unacked()));
    }

    /**
     * Publishes with {@code publishing}: {@link ExitCode#OK} when every message was acknowledged,
     * else {@link ExitCode#FAILED} with what {@code shortfall} says of the report, or the failure.
     */
    private int exitCode(
            Supplier<MqttFleetPublisher.Report> publishing,
            Function<MqttFleetPublisher.Report, String> shortfall) {
        try {
            MqttFleetPublisher.Report report = publishing.get();
            if (!report.isComplete()) {
                err.printf(
                        "simulate: %s%s%n",
                        shortfall.apply(report),
                        report.firstError() == null ? "" : "; first error: " + report.firstError());
                return ExitCode.FAILED;
            }
            return ExitCode.OK;
        } catch (FlinkRuntimeException e) {
            err.println("simulate: " + e.getMessage());
            return ExitCode.FAILED;
        }
    }

    private static String describe(FleetSimulation simulation) {
        SimulationSpec spec = simulation.spec();
        long malformed = simulation.episodes(Episode.Kind.MALFORMED).size();
        String machines =
                spec.hasMachines()
                        ? String.format(
                                Locale.ROOT,
                                ", %d lows, %d leaks, %d rates, %d flatlines, %d sequences",
                                spec.lows(),
                                spec.leaks(),
                                spec.rates(),
                                spec.flatlines(),
                                spec.sequences())
                        : "";
        return String.format(
                Locale.ROOT,
                "simulation: %d site(s) x %d devices, %s of event time from %s, seed %d: %d"
                        + " messages (%d readings, %d malformed), %d bursts, %d drifts, %d"
                        + " silences%s",
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
                spec.silences(),
                machines);
    }

    Pacing pacing() {
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
        Pacing pacing = pacing();
        return SimulationSpec.builder()
                .setSites(sites)
                .setDevicesPerSite(devices)
                .setDuration(duration)
                .setStartMillis(startMillis(pacing))
                .setSoundPeriod(soundPeriod)
                .setTemperaturePeriod(temperaturePeriod)
                .setSeed(seed)
                .setBursts(anomalies.bursts())
                .setDrifts(anomalies.drifts())
                .setSilences(anomalies.silences())
                .setLows(anomalies.lows())
                .setLeaks(anomalies.leaks())
                .setRates(anomalies.rates())
                .setFlatlines(anomalies.flatlines())
                .setSequences(anomalies.sequences())
                .setMalformedShare(anomalies.malformedShare())
                .setMixedPayloads(mixedPayloads)
                .build();
    }

    private MqttFleetPublisher publisher() {
        if (broker == null) {
            throw new IllegalArgumentException(
                    "--broker is required, e.g. --broker tcp://localhost:1883 (or use --dry-run)");
        }
        String password = env.get(PASSWORD_ENV);
        if (username == null && password != null) {
            err.printf(
                    "simulate: %s is set but --username is not; connecting without"
                            + " credentials%n",
                    PASSWORD_ENV);
        }
        return MqttFleetPublisher.builder()
                .setBrokerUri(broker)
                .setClientId(clientId)
                .setQos(qos)
                .setMqttVersion(mqttVersion)
                .setUsername(username)
                .setPassword(username == null ? null : password)
                .setPacing(pacing())
                .setMaxInFlight(maxInFlight)
                .setAckTimeout(ackTimeout)
                .setConnectTimeout(SimulatorOptions.CONNECT_TIMEOUT.defaultValue())
                .setProgress(out)
                .build();
    }

    /**
     * The event-time start. {@code now} with real-time pacing starts now, so readings arrive when
     * their time comes; with any other pacing the simulation ends now, so that no reading lies in
     * the future, where the parser would reject it.
     */
    private long startMillis(Pacing pacing) {
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

    private ParameterException usageError(String message) {
        return Cli.usageError(spec.commandLine(), message);
    }
}
