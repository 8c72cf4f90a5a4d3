package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import io.vigil.tools.Cli;
import io.vigil.tools.ExitCode;
import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
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
 * terminal. The defaults are those of {@link SimulatorOptions}.
 *
 * <pre>{@code
 * vigil simulate --broker tcp://localhost:1883 --devices 20 --duration 10m --seed 7 \
 *          --anomalies bursts=5,drifts=2,silences=2,malformed=0.01 --labels labels.jsonl
 * }</pre>
 *
 * <p>Exit codes: 0 when every message was acknowledged, 1 when publishing failed, 2 for bad
 * arguments. The MQTT password is read from {@value #PASSWORD_ENV}, never from the command line.
 */
@Command(
        name = "simulate",
        header = "publish a simulated fleet with injected anomalies and its ground truth",
        customSynopsis = "simulate --broker URI [options]",
        description = "Publishes a simulated sensor fleet to MQTT and writes its ground truth.",
        optionListHeading = "%nOptions:%n",
        sortOptions = false)
public final class SimulatorCli implements Callable<Integer> {

    /** The environment variable holding the MQTT password. */
    public static final String PASSWORD_ENV = "VIGIL_MQTT_PASSWORD";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Spec private CommandSpec spec;

    @Option(
            names = "--broker",
            paramLabel = "URI",
            description = "tcp://host:port or ssl://host:port (not needed with --dry-run)")
    private String broker;

    @Option(names = "--sites", paramLabel = "N", description = "sites plant-a, plant-b, ...")
    private int sites = SimulatorOptions.SITES.defaultValue();

    @Option(
            names = "--devices",
            paramLabel = "N",
            description = "devices per site, alternately mic-NN and pump-NN")
    private int devices = SimulatorOptions.DEVICES.defaultValue();

    @Option(
            names = "--duration",
            paramLabel = "D",
            converter = SimulatorConverters.DurationConverter.class,
            description = "event-time span, e.g. 10m, 90s, 1h")
    private Duration duration = SimulatorOptions.DURATION.defaultValue();

    @Option(
            names = "--start",
            paramLabel = "T",
            description = "now, an ISO-8601 instant or epoch ms")
    private String start = SimulatorOptions.START.defaultValue();

    @Option(
            names = "--rate",
            paramLabel = "R",
            converter = SimulatorConverters.RateConverter.class,
            description =
                    "messages per second (100 or 100/s), 0 = as fast as possible, real = follow"
                            + " event time (default)")
    private Double rate;

    @Option(names = "--seed", paramLabel = "S", description = "same seed, same messages")
    private long seed = SimulatorOptions.SEED.defaultValue();

    @Option(
            names = "--anomalies",
            paramLabel = "LIST",
            converter = SimulatorConverters.AnomaliesConverter.class,
            description =
                    "e.g. bursts=5,drifts=2,silences=2,malformed=0.01 (malformed also as 1%%);"
                            + " default bursts=5,drifts=2,silences=2,malformed=0.01")
    private Anomalies anomalies = Anomalies.DEFAULT;

    @Option(
            names = "--labels",
            paramLabel = "FILE",
            description = "write the ground truth as JSON lines")
    private Path labels;

    @Option(names = "--qos", paramLabel = "N", description = "0, 1 or 2")
    private int qos = SimulatorOptions.QOS.defaultValue();

    @Option(
            names = "--mqtt-version",
            paramLabel = "V",
            converter = SimulatorConverters.MqttVersionConverter.class,
            description = "3 (3.1.1) or 5")
    private int mqttVersion = SimulatorOptions.MQTT_VERSION.defaultValue();

    @Option(
            names = "--username",
            paramLabel = "U",
            description = "MQTT user; the password comes from " + PASSWORD_ENV)
    private String username;

    @Option(names = "--client-id", paramLabel = "ID", description = "MQTT client id")
    private String clientId = SimulatorOptions.CLIENT_ID.defaultValue();

    @Option(
            names = "--sound-period",
            paramLabel = "D",
            converter = SimulatorConverters.DurationConverter.class,
            description = "time between sound readings")
    private Duration soundPeriod = SimulatorOptions.SOUND_PERIOD.defaultValue();

    @Option(
            names = "--temperature-period",
            paramLabel = "D",
            converter = SimulatorConverters.DurationConverter.class,
            description = "time between temperature readings")
    private Duration temperaturePeriod = SimulatorOptions.TEMPERATURE_PERIOD.defaultValue();

    private boolean mixedPayloads = SimulatorOptions.MIXED_PAYLOADS.defaultValue();

    @Option(
            names = "--max-in-flight",
            paramLabel = "N",
            description = "unacknowledged messages at most")
    private int maxInFlight = SimulatorOptions.MAX_IN_FLIGHT.defaultValue();

    @Option(
            names = "--ack-timeout",
            paramLabel = "D",
            converter = SimulatorConverters.DurationConverter.class,
            description = "wait for the last acknowledgements")
    private Duration ackTimeout = SimulatorOptions.ACK_TIMEOUT.defaultValue();

    @Option(names = "--dry-run", description = "generate and write labels, publish nothing")
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
            description = "payload forms (default mixed)")
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
        try {
            simulation = FleetSimulation.generate(spec());
            if (!dryRun) {
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
        return publisher == null ? ExitCode.OK : publish(publisher, simulation);
    }

    private int publish(MqttFleetPublisher publisher, FleetSimulation simulation) {
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
