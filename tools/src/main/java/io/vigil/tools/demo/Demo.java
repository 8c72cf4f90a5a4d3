package io.vigil.tools.demo;

import io.vigil.job.JobConfigException;
import io.vigil.job.JobSetup;
import io.vigil.tools.ExitCode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.util.ExceptionUtils;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code vigil demo}: an embedded MQTT broker, a simulated sensor fleet ({@link DemoFleet}) and the
 * Vigil job on a local Flink mini cluster with its web UI ({@link DemoJob}), all in this JVM;
 * alerts are printed as they fire, and the job's output goes to InfluxDB ({@code --influx-url}) or,
 * as the same line protocol, to a file. This class is the lifecycle: it starts the parts in order
 * and stops them in reverse on Ctrl-C, which exits with 0.
 *
 * <p>The broker is Moquette (MQTT 3.1.1). It lets a subscriber hold at most 10 unacknowledged QoS 1
 * messages, while Vigil's source acknowledges only when a checkpoint completes: at QoS 1 the demo
 * would crawl. So the job subscribes with QoS 0; the simulator still publishes with QoS 1.
 *
 * <pre>{@code
 * ./vigil demo --devices 60 --web-port 8082
 * }</pre>
 */
final class Demo {

    static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    /** The shipped pattern files the demo runs: the defaults and a pattern of every type. */
    static final List<String> PATTERNS =
            List.of(
                    "cep-patterns/patterns/default.yaml",
                    "cep-patterns/patterns/examples/fleet-all-types.yaml");

    private final DemoSettings settings;
    private final DemoConsole console;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;

    private Demo(DemoSettings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.console = new DemoConsole(out);
        this.out = out;
        this.err = err;
    }

    /** Runs the demo until Ctrl-C (SIGINT): 0 after Ctrl-C, 1 when a part fails. */
    static int run(DemoSettings settings, PrintStream out, PrintStream err) {
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
        for (String file : PATTERNS) {
            Path shipped = vigilHome().resolve(file);
            if (!Files.isRegularFile(shipped)) {
                err.printf(
                        "vigil demo: cannot find the pattern file %s; run ./vigil from the"
                                + " checkout%n",
                        shipped);
                return ExitCode.FAILED;
            }
        }
        int webPort;
        Path output = null;
        Path patterns;
        try {
            // Copies to edit while the demo runs, in a directory the job loads (its *.yaml files):
            // the job puts a valid change in force.
            patterns = Files.createTempDirectory("vigil-demo-patterns-");
            for (String file : PATTERNS) {
                Path shipped = vigilHome().resolve(file);
                Files.copy(
                        shipped,
                        patterns.resolve(shipped.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
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
            return ExitCode.FAILED;
        }
        DemoFleet fleet = new DemoFleet(settings);

        String alerts = "demo-" + ProcessHandle.current().pid();
        AlertPrinter.register(alerts, out);
        EmbeddedBroker broker = null;
        MiniCluster cluster = null;
        JobClient job = null;
        Thread publishing = null;
        int exitCode = ExitCode.OK;
        try {
            broker = EmbeddedBroker.start(err);
            console.say("MQTT broker (embedded, MQTT 3.1.1) on %s", broker.uri());
            JobSetup setup = DemoJob.setup(settings, broker.uri(), patterns);
            cluster = DemoJob.startCluster(webPort);
            job = DemoJob.submit(setup, output, webPort, alerts);
            console.say("Flink web UI: http://localhost:%d", webPort);
            console.say(
                    "Patterns: %s (edit its files while the demo runs: a valid change takes"
                            + " effect within seconds, an invalid one is shown and ignored)",
                    patterns);
            console.say(
                    output != null
                            ? "Writing line protocol to " + output
                            : String.format(
                                    "Writing to InfluxDB %s, database %s",
                                    settings.influxUrl(), settings.influxDatabase()));
            CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
            if (!awaitSubscription(broker, result)) {
                return ExitCode.FAILED;
            }
            if (stopRequested.getCount() > 0) {
                publishing = fleet.start(broker.uri(), console, err, () -> stopping);
                console.say("Press Ctrl-C to stop.");
            }
            while (!stopRequested.await(1, TimeUnit.SECONDS)) {
                if (result.isDone()) {
                    reportJobEnd(result);
                    return ExitCode.FAILED;
                }
            }
            console.say("Stopping ...");
        } catch (JobConfigException e) {
            err.println("vigil demo: " + e.getMessage());
            exitCode = ExitCode.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = ExitCode.FAILED;
        } catch (Exception e) {
            err.println("vigil demo: " + ExceptionUtils.stringifyException(e));
            exitCode = ExitCode.FAILED;
        } finally {
            exitCode = Math.max(exitCode, stopAll(publishing, job, cluster, broker));
            AlertPrinter.unregister(alerts);
        }
        if (output != null) {
            console.say("Stopped. The line protocol is in %s", output);
        } else {
            console.say("Stopped.");
        }
        return exitCode;
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

    /** Stops the fleet, the job, the cluster and the broker, in that order; 1 if one failed. */
    private int stopAll(
            Thread publishing, JobClient job, MiniCluster cluster, EmbeddedBroker broker) {
        stopping = true;
        int exitCode = ExitCode.OK;
        if (publishing != null) {
            publishing.interrupt();
            try {
                publishing.join(STOP_TIMEOUT.toMillis());
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
                exitCode = ExitCode.FAILED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cluster != null) {
            try {
                cluster.closeAsync().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                err.println("vigil demo: cannot stop the mini cluster: " + e);
                exitCode = ExitCode.FAILED;
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
        console.say(
                "Port %d is taken (another Flink?); the web UI uses port %d instead", port, free);
        return free;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The checkout: set by the {@code vigil} launcher, else the working directory. */
    private static Path vigilHome() {
        return Path.of(System.getProperty("vigil.home", "")).toAbsolutePath();
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
