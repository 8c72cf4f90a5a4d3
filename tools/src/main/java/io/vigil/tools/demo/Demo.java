package io.vigil.tools.demo;

import io.vigil.cep.config.Durations;
import io.vigil.connectors.mqtt.source.MqttSource;
import io.vigil.job.InfluxPoints;
import io.vigil.job.JobConfigException;
import io.vigil.job.JobSetup;
import io.vigil.job.RawMessageDeserializer;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.job.SensorAnalyticsJob.Connectors;
import io.vigil.model.RawMessage;
import io.vigil.pipeline.SensorAnalytics;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.MqttFleetPublisher;
import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code vigil demo}: an embedded MQTT broker, a simulated sensor fleet and the Vigil job on a
 * local Flink mini cluster with its web UI, all in this JVM; alerts are printed as they fire, and
 * the job's output goes to InfluxDB ({@code --influx-url}) or, as the same line protocol, to a
 * file. Ctrl-C stops everything and exits with 0.
 *
 * <p>The broker is Moquette (MQTT 3.1.1). It lets a subscriber hold at most 10 unacknowledged QoS 1
 * messages, while Vigil's source acknowledges only when a checkpoint completes: at QoS 1 the demo
 * would crawl. So the job subscribes with QoS 0; the simulator still publishes with QoS 1.
 *
 * <p>The fleet's episodes (bursts, drifts, silences) never start in the first 30 s of a simulation.
 * So that the first alert comes soon, the demo takes the first seed whose first burst starts within
 * {@link #EARLY_BURST} and anchors the simulation that far in the past, less {@link
 * #FIRST_BURST_LEAD}: the readings of that past go out at once, the rest in real time.
 *
 * <pre>{@code
 * ./vigil demo --devices 60 --web-port 8082
 * }</pre>
 */
public final class Demo {

    static final Duration EARLY_BURST = Duration.ofSeconds(50);
    static final Duration FIRST_BURST_LEAD = Duration.ofSeconds(5);
    static final int SEED_TRIES = 50;
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(30);
    static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    static final String JOB_NAME = "vigil-demo";
    static final String PATTERNS = "cep-patterns/patterns/default.yaml";

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final DemoSettings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;

    private Demo(DemoSettings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the demo until Ctrl-C (SIGINT) and returns the exit code: 0 after Ctrl-C, 1 when a part
     * fails, 2 for a bad command line.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("-h") || arguments.contains("--help")) {
            out.println(DemoSettings.USAGE);
            return 0;
        }
        DemoSettings settings;
        try {
            settings = DemoSettings.parse(arguments);
        } catch (DemoSettings.UsageException e) {
            err.println("vigil demo: " + e.getMessage());
            err.println();
            err.println(DemoSettings.USAGE);
            return 2;
        }
        Demo demo = new Demo(settings, out, err);
        AtomicBoolean interrupted = new AtomicBoolean();
        // Ctrl-C asks the demo to stop in order and exit with 0; a second one stops at once.
        Signal interrupt = new Signal("INT");
        SignalHandler previous =
                Signal.handle(
                        interrupt,
                        signal -> {
                            if (interrupted.getAndSet(true)) {
                                Runtime.getRuntime().halt(130);
                            }
                            demo.stopRequested.countDown();
                        });
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            // Other ways to end the JVM (SIGTERM) still stop the parts in order.
                            demo.stopRequested.countDown();
                            awaitQuietly(stopped, STOP_TIMEOUT.multipliedBy(2));
                        },
                        "vigil-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo.runUntilStopped();
        } finally {
            stopped.countDown();
            // Called in-process (tests), the JVM goes on: leave its signals and hooks as they were.
            Signal.handle(interrupt, previous);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook runs and returns at once.
            }
        }
    }

    private int runUntilStopped() {
        Path patterns = vigilHome().resolve(PATTERNS);
        if (!Files.isRegularFile(patterns)) {
            err.printf(
                    "vigil demo: cannot find the pattern file %s; run ./vigil from the checkout%n",
                    patterns);
            return 1;
        }
        int webPort;
        Path output = null;
        try {
            webPort = webPort();
            if (settings.influxUrl() == null) {
                output =
                        settings.output() != null
                                ? settings.output().toAbsolutePath()
                                : Files.createTempFile("vigil-demo-", ".lp");
                // One run per file: the job appends, so what an earlier run left goes first.
                Files.write(output, new byte[0]);
            }
        } catch (IOException e) {
            err.println("vigil demo: " + e.getMessage());
            return 1;
        }
        SimulationSpec spec = chooseSpec(settings);
        long firstBurst = firstBurstOffset(FleetSimulation.generate(spec));

        String console = "demo-" + ProcessHandle.current().pid();
        AlertPrinter.register(console, out);
        EmbeddedBroker broker = null;
        MiniCluster cluster = null;
        JobClient job = null;
        Thread fleet = null;
        int exitCode = 0;
        try {
            broker = EmbeddedBroker.start(err);
            say("MQTT broker (embedded, MQTT 3.1.1) on %s", broker.uri());
            JobSetup setup = JobSetup.fromArgs(jobArgs(broker.uri(), patterns));
            cluster = startCluster(webPort);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            "127.0.0.1", webPort, setup.config());
            env.setParallelism(1);
            SensorAnalytics.Outputs outputs =
                    SensorAnalyticsJob.wire(env, setup, connectors(setup, output));
            outputs.alerts()
                    .sinkTo(new AlertPrinter(console, ZoneId.systemDefault()))
                    .uid("print-alerts")
                    .name("Print alerts");
            job = env.executeAsync(JOB_NAME);
            say("Flink web UI: http://localhost:%d", webPort);
            say(
                    output != null
                            ? "Writing line protocol to " + output
                            : String.format(
                                    "Writing to InfluxDB %s, database %s",
                                    settings.influxUrl(), settings.influxDatabase()));
            CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
            if (!awaitSubscription(broker, result)) {
                return 1;
            }
            if (stopRequested.getCount() > 0) {
                fleet = startFleet(broker.uri(), spec, firstBurst);
                say("Press Ctrl-C to stop.");
            }
            while (!stopRequested.await(1, TimeUnit.SECONDS)) {
                if (result.isDone()) {
                    reportJobEnd(result);
                    return 1;
                }
            }
            say("Stopping ...");
        } catch (JobConfigException e) {
            err.println("vigil demo: " + e.getMessage());
            exitCode = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = 1;
        } catch (Exception e) {
            err.println("vigil demo: " + ExceptionUtils.stringifyException(e));
            exitCode = 1;
        } finally {
            exitCode = Math.max(exitCode, stopAll(fleet, job, cluster, broker));
            AlertPrinter.unregister(console);
        }
        if (output != null) {
            say("Stopped. The line protocol is in %s", output);
        } else {
            say("Stopped.");
        }
        return exitCode;
    }

    /** The job's command line: the embedded broker, the default patterns, a 2 s checkpoint. */
    private String[] jobArgs(String brokerUri, Path patterns) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--mqtt.broker-uris", brokerUri,
                                "--mqtt.topic-filters", "sensors/#",
                                "--mqtt.protocol-version", "MQTT_3_1_1",
                                "--mqtt.qos", "0",
                                "--mqtt.client-id-prefix", "vigil-demo",
                                "--patterns.files", patterns.toString(),
                                "--execution.checkpointing.interval", "2s",
                                "--restart-strategy.type", "fixed-delay",
                                "--restart-strategy.fixed-delay.attempts", "3",
                                "--restart-strategy.fixed-delay.delay", "2s",
                                "--job.name", JOB_NAME));
        if (settings.influxUrl() != null) {
            args.addAll(
                    List.of(
                            "--influxdb.url", settings.influxUrl(),
                            "--influxdb.database", settings.influxDatabase(),
                            "--influxdb.create-database", "true"));
        }
        return args.toArray(String[]::new);
    }

    private static Connectors connectors(JobSetup setup, Path output) {
        if (output == null) {
            return SensorAnalyticsJob.connectors(setup.config());
        }
        return new Connectors(
                MqttSource.<RawMessage>builder()
                        .setConfiguration(setup.config())
                        .setDeserializer(new RawMessageDeserializer())
                        .build(),
                new LineProtocolFileSink<>(output, InfluxPoints::aggregate),
                new LineProtocolFileSink<>(output, InfluxPoints::alert),
                new LineProtocolFileSink<>(output, InfluxPoints::deadLetter),
                null);
    }

    private MiniCluster startCluster(int webPort) throws Exception {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.PORT, webPort);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(config)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .build());
        cluster.start();
        return cluster;
    }

    /** Until the job's source has subscribed, published readings would reach nobody. */
    private boolean awaitSubscription(
            EmbeddedBroker broker, CompletableFuture<JobExecutionResult> result)
            throws InterruptedException {
        long deadline = System.nanoTime() + SUBSCRIBE_TIMEOUT.toNanos();
        while (!broker.awaitSubscription(Duration.ofMillis(500))) {
            if (result.isDone()) {
                reportJobEnd(result);
                return false;
            }
            if (stopRequested.getCount() == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                err.printf(
                        "vigil demo: the job did not subscribe to the broker within %ds%n",
                        SUBSCRIBE_TIMEOUT.toSeconds());
                return false;
            }
        }
        return true;
    }

    private void reportJobEnd(CompletableFuture<JobExecutionResult> result) {
        try {
            result.get();
            err.println("vigil demo: the job ended by itself");
        } catch (ExecutionException e) {
            // The causes' messages say what went wrong; Flink's stack frames would bury them.
            err.println("vigil demo: the job failed:");
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                err.println("  " + cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Publishes the simulation on a thread of its own: the part before now at once, the rest in
     * real time, with a status line every {@link #STATUS_INTERVAL}.
     */
    private Thread startFleet(String brokerUri, SimulationSpec chosen, long firstBurst) {
        long backfill = Math.max(0, firstBurst - FIRST_BURST_LEAD.toMillis());
        long now = System.currentTimeMillis();
        FleetSimulation simulation =
                FleetSimulation.generate(chosen.withStartMillis(now - backfill));
        List<SimulatedMessage> messages = simulation.messages();
        int split = 0;
        while (split < messages.size() && messages.get(split).eventTime() < now) {
            split++;
        }
        List<SimulatedMessage> past = messages.subList(0, split);
        List<SimulatedMessage> live = messages.subList(split, messages.size());
        say(
                "Simulated fleet: %d devices on %d sites, seed %d, %s; %d bursts, %d drifts, %d"
                        + " silences, about 1%% malformed messages",
                chosen.sites() * chosen.devicesPerSite(),
                chosen.sites(),
                chosen.seed(),
                Durations.format(chosen.duration()),
                chosen.bursts(),
                chosen.drifts(),
                chosen.silences());
        PrintStream status =
                new PrintStream(new LinePrefixer(out, "fleet: "), true, StandardCharsets.UTF_8);
        Thread thread =
                new Thread(
                        () -> {
                            try {
                                publisher(brokerUri, Pacing.unlimited(), null).publish(past);
                                publisher(brokerUri, Pacing.realTime(), status).publish(live);
                                say(
                                        "The simulated fleet has finished; the job keeps"
                                                + " running until Ctrl-C.");
                            } catch (RuntimeException e) {
                                if (!stopping) {
                                    err.println("vigil demo: the simulator stopped: " + e);
                                }
                            }
                        },
                        "vigil-demo-fleet");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static MqttFleetPublisher publisher(
            String brokerUri, Pacing pacing, PrintStream progress) {
        return MqttFleetPublisher.builder()
                .setBrokerUri(brokerUri)
                .setClientId("vigil-demo-fleet")
                .setMqttVersion(3)
                .setQos(1)
                .setPacing(pacing)
                .setProgress(progress)
                .setProgressInterval(STATUS_INTERVAL)
                .setAckTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Stops the fleet, the job, the cluster and the broker, in that order; 1 if one failed. */
    private int stopAll(Thread fleet, JobClient job, MiniCluster cluster, EmbeddedBroker broker) {
        stopping = true;
        int exitCode = 0;
        if (fleet != null) {
            fleet.interrupt();
            try {
                fleet.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (job != null) {
            try {
                job.cancel().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // A job that already ended cannot be cancelled; that is no problem here.
            } catch (TimeoutException e) {
                err.println("vigil demo: the job did not cancel in time");
                exitCode = 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cluster != null) {
            try {
                cluster.closeAsync().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                err.println("vigil demo: cannot stop the mini cluster: " + e);
                exitCode = 1;
            }
        }
        if (broker != null) {
            broker.close();
        }
        return exitCode;
    }

    /** The default web port may be taken (say, by another Flink): then any free one will do. */
    private int webPort() throws IOException {
        int port = settings.webPort();
        if (isFree(port)) {
            return port;
        }
        if (settings.webPortGiven()) {
            throw new IOException(
                    String.format(
                            "port %d for the web UI is taken; choose another with --web-port N",
                            port));
        }
        int free = EmbeddedBroker.freePort();
        say("Port %d is taken (another Flink?); the web UI uses port %d instead", port, free);
        return free;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The simulation: devices spread over sites of up to 10, about one burst per 30 s, one drift
     * per 3 min and one silence per 5 min (fewer where they would not fit), and the first seed from
     * {@code --seed} on whose first burst starts within {@link #EARLY_BURST}.
     */
    static SimulationSpec chooseSpec(DemoSettings settings) {
        int sites = (settings.devices() + 9) / 10;
        int perSite = (settings.devices() + sites - 1) / sites;
        int mics = sites * ((perSite + 1) / 2);
        int pumps = sites * (perSite / 2);
        long seconds = settings.duration().toSeconds();
        long usable = Math.max(0, seconds - 60);
        SimulationSpec.Builder base =
                SimulationSpec.builder()
                        .setSites(sites)
                        .setDevicesPerSite(perSite)
                        .setDuration(settings.duration())
                        .setBursts((int) Math.max(1, Math.min(seconds / 30, mics * usable / 150)))
                        .setDrifts((int) Math.min(seconds / 180, pumps * usable / 600))
                        .setSilences(
                                (int) Math.min(seconds / 300, sites * perSite * usable / 1200));
        SimulationSpec first = null;
        for (int i = 0; i < SEED_TRIES; i++) {
            SimulationSpec spec = base.setSeed(settings.seed() + i).build();
            if (first == null) {
                first = spec;
            }
            if (firstBurstOffset(FleetSimulation.generate(spec)) <= EARLY_BURST.toMillis()) {
                return spec;
            }
        }
        return first;
    }

    /** Milliseconds from the simulation's start to its first burst. */
    static long firstBurstOffset(FleetSimulation simulation) {
        return simulation.episodes(Episode.Kind.BURST).stream()
                .mapToLong(e -> e.startedAt() - simulation.spec().startMillis())
                .min()
                .orElse(Long.MAX_VALUE);
    }

    /** The checkout: set by the {@code vigil} launcher, else the working directory. */
    private static Path vigilHome() {
        return Path.of(System.getProperty("vigil.home", "")).toAbsolutePath();
    }

    private void say(String format, Object... args) {
        say(String.format(Locale.ROOT, format, args));
    }

    private void say(String line) {
        out.println(CLOCK.format(LocalTime.now()) + " " + line);
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forwards each complete line to {@code out}, with the time and a prefix in front. */
    static final class LinePrefixer extends OutputStream {
        private final PrintStream out;
        private final String prefix;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LinePrefixer(PrintStream out, String prefix) {
            this.out = out;
            this.prefix = prefix;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                out.println(
                        CLOCK.format(LocalTime.now())
                                + " "
                                + prefix
                                + line.toString(StandardCharsets.UTF_8).strip());
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
