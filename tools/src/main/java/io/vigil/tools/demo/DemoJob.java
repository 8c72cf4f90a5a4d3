package io.vigil.tools.demo;

import io.vigil.connectors.mqtt.source.MqttSource;
import io.vigil.job.InfluxPoints;
import io.vigil.job.JobConfigException;
import io.vigil.job.JobSetup;
import io.vigil.job.RawMessageDeserializer;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.job.SensorAnalyticsJob.Connectors;
import io.vigil.model.RawMessage;
import io.vigil.pipeline.SensorAnalytics;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The demo's Flink side: a mini cluster with its web UI, and the Vigil job on it reading the
 * embedded broker, writing to InfluxDB or a line-protocol file and printing its alerts.
 */
final class DemoJob {

    static final String JOB_NAME = "vigil-demo";

    private DemoJob() {}

    static MiniCluster startCluster(int webPort) throws Exception {
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

    /** The job's setup: the embedded broker, the default patterns, a 2 s checkpoint. */
    static JobSetup setup(DemoSettings settings, String brokerUri, Path patterns)
            throws JobConfigException {
        return JobSetup.fromArgs(jobArgs(settings, brokerUri, patterns));
    }

    /**
     * Submits the job to the cluster at {@code webPort}.
     *
     * @param output the line-protocol file, or null to write to the setup's InfluxDB
     * @param console the {@link AlertPrinter} console the alerts go to
     */
    static JobClient submit(JobSetup setup, Path output, int webPort, String console)
            throws Exception {
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
        if (outputs.patternChanges() != null) {
            outputs.patternChanges()
                    .sinkTo(new PatternChangePrinter(console, ZoneId.systemDefault()))
                    .uid("print-pattern-changes")
                    .name("Print pattern changes");
        }
        return env.executeAsync(JOB_NAME);
    }

    private static String[] jobArgs(DemoSettings settings, String brokerUri, Path patterns) {
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
                null,
                new LineProtocolFileSink<>(output, InfluxPoints::patternChange));
    }
}
