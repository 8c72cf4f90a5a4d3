package io.vigil.job;

import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.live.PatternChange;
import io.vigil.cep.live.PatternFileWatcher;
import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.InfluxDbSink;
import io.vigil.connectors.influxdb.sink.InfluxDbSinkBuilder;
import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import io.vigil.connectors.mqtt.sink.MqttSink;
import io.vigil.connectors.mqtt.source.MqttSource;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.model.WindowAggregate;
import io.vigil.pipeline.SensorAnalytics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Vigil's Flink job: sensor readings from MQTT (or from Kafka, as an MQTT bridge wrote them);
 * window aggregates, alerts and dead letters to InfluxDB; alerts also back to MQTT.
 *
 * <p>{@code main} only loads the configuration and wires the real connectors; {@link #wire} takes
 * the source and sinks as arguments, so tests run the same job on bounded sources and collecting
 * sinks.
 *
 * <pre>{@code
 * flink run jobs/target/vigil-jobs-0.1.0-SNAPSHOT.jar --config vigil.yaml --mqtt.qos 2
 * }</pre>
 */
public final class SensorAnalyticsJob {

    /**
     * The checkpoint interval when neither the job nor the cluster sets one, as in {@code
     * flink-conf/config.yaml}: the MQTT source holds a checkpoint interval of messages
     * unacknowledged, which must stay below its in-flight window.
     */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

    private SensorAnalyticsJob() {}

    /**
     * Where the job reads from and writes to; {@code alertPublisher} may be null (off), {@code
     * patternChangeSink} too (changes only logged).
     */
    public record Connectors(
            Source<RawMessage, ?, ?> source,
            Sink<WindowAggregate> aggregateSink,
            Sink<Alert> alertSink,
            Sink<StampedDeadLetter> deadLetterSink,
            Sink<Alert> alertPublisher,
            Sink<PatternChange> patternChangeSink) {}

    public static void main(String[] args) throws Exception {
        JobSetup setup = JobSetup.fromArgs(args);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(setup.config());
        wire(env, setup, connectors(setup.config()));
        env.execute(setup.config().get(VigilJobOptions.JOB_NAME));
    }

    /** Adds the whole job to {@code env}, between the given source and sinks. */
    public static SensorAnalytics.Outputs wire(
            StreamExecutionEnvironment env, JobSetup setup, Connectors connectors) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            // The MQTT source acknowledges messages only on completed checkpoints: without
            // checkpoints nothing would ever be acknowledged (and Kafka offsets would never be
            // kept). Decided on the environment, where the
            // cluster's configuration is merged in, so that a cluster's own interval is not
            // overridden.
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        boolean kafka = connectors.source() instanceof KafkaSource;
        DataStream<RawMessage> messages =
                env.fromSource(
                                connectors.source(),
                                WatermarkStrategy.noWatermarks(),
                                kafka ? "Kafka sensors" : "MQTT sensors")
                        .uid(kafka ? "kafka-source" : "mqtt-source");
        SensorAnalytics analytics = new SensorAnalytics(setup.config(), setup.patterns());
        Duration watchInterval = setup.config().get(VigilJobOptions.PATTERN_WATCH_INTERVAL);
        SensorAnalytics.Outputs out;
        if (watchInterval.isZero()) {
            out = analytics.apply(messages);
        } else {
            List<String> files = setup.config().get(VigilJobOptions.PATTERN_FILES);
            out =
                    analytics.apply(
                            messages,
                            PatternFileWatcher.updates(env, files, watchInterval),
                            PatternConfigLoader.fingerprint(files.stream().map(Path::of).toList()));
            if (connectors.patternChangeSink() != null) {
                out.patternChanges()
                        .sinkTo(connectors.patternChangeSink())
                        .uid("influxdb-pattern-changes")
                        .name("InfluxDB pattern_changes");
            }
        }
        out.aggregates()
                .sinkTo(connectors.aggregateSink())
                .uid("influxdb-aggregates")
                .name("InfluxDB sensor_aggregates");
        out.alerts().sinkTo(connectors.alertSink()).uid("influxdb-alerts").name("InfluxDB alerts");
        DataStream<StampedDeadLetter> stamped =
                out.deadLetters()
                        .map(new DeadLetterStamper())
                        .uid("stamp-dead-letters")
                        .name("Stamp dead letters");
        // A replayed message arrives at another time, so its dead letters would be new points:
        // they are written only once a checkpoint covering them has completed.
        stamped.transform(
                        "Hold dead letters until a checkpoint",
                        stamped.getType(),
                        new WriteAheadOperator<>(
                                stamped.getType()
                                        .createSerializer(env.getConfig().getSerializerConfig())))
                .uid("write-ahead-dead-letters")
                .sinkTo(connectors.deadLetterSink())
                .uid("influxdb-dead-letters")
                .name("InfluxDB dead_letters");
        if (connectors.alertPublisher() != null) {
            out.alerts().sinkTo(connectors.alertPublisher()).uid("mqtt-alerts").name("MQTT alerts");
        }
        return out;
    }

    /** The real connectors, configured from the job's configuration. */
    public static Connectors connectors(Configuration config) {
        boolean kafka = config.get(VigilJobOptions.SOURCE_TYPE) == VigilJobOptions.SourceType.KAFKA;
        // With the Kafka input, MQTT is only needed for alerts (the MQTT settings are then
        // checked by the sink alone).
        Configuration mqtt =
                !kafka || config.get(VigilJobOptions.ALERTS_MQTT_ENABLED)
                        ? withTruststorePassword(config, System::getenv)
                        : config;
        Source<RawMessage, ?, ?> source =
                kafka
                        ? KafkaInput.source(config, System::getenv)
                        : MqttSource.<RawMessage>builder()
                                .setConfiguration(mqtt)
                                .setDeserializer(new RawMessageDeserializer())
                                .build();
        Sink<Alert> publisher =
                config.get(VigilJobOptions.ALERTS_MQTT_ENABLED)
                        ? MqttSink.<Alert>builder()
                                .setConfiguration(mqtt)
                                .setSerializer(
                                        new AlertMessages(
                                                config.get(
                                                        VigilJobOptions.ALERTS_MQTT_TOPIC_PREFIX)))
                                .build()
                        : null;
        return new Connectors(
                source,
                influxSink(config, InfluxPoints::aggregate),
                influxSink(alertSinkConfig(config), InfluxPoints::alert),
                influxSink(config, InfluxPoints::deadLetter),
                publisher,
                influxSink(config, InfluxPoints::patternChange));
    }

    /**
     * A copy of {@code config} for the MQTT connectors, with the truststore password read from
     * where {@code mqtt.tls.truststore.password-env} or {@code -file} say. The connector reads only
     * a literal {@code mqtt.tls.truststore.password}, which the job refuses in its file and on its
     * command line; the copy goes into the connectors alone, never into the job's configuration
     * (which Flink's REST API and logs show).
     */
    static Configuration withTruststorePassword(
            Configuration config, Function<String, String> env) {
        Optional<String> variable =
                config.getOptional(VigilJobOptions.MQTT_TLS_TRUSTSTORE_PASSWORD_ENV);
        Optional<String> file =
                config.getOptional(VigilJobOptions.MQTT_TLS_TRUSTSTORE_PASSWORD_FILE);
        if (variable.isEmpty() && file.isEmpty()) {
            return config;
        }
        String password;
        if (variable.isPresent()) {
            password = env.apply(variable.get());
            if (password == null) {
                throw new FlinkRuntimeException(
                        String.format(
                                "Environment variable %s named by %s is not set",
                                variable.get(),
                                VigilJobOptions.MQTT_TLS_TRUSTSTORE_PASSWORD_ENV.key()));
            }
        } else {
            try {
                password =
                        Files.readString(Path.of(file.get()), StandardCharsets.UTF_8)
                                .replaceAll("[\\r\\n]+$", "");
            } catch (IOException e) {
                throw new FlinkRuntimeException(
                        String.format(
                                "Cannot read the truststore password file %s named by %s",
                                file.get(),
                                VigilJobOptions.MQTT_TLS_TRUSTSTORE_PASSWORD_FILE.key()),
                        e);
            }
        }
        Configuration mqtt = new Configuration(config);
        mqtt.set(MqttConnectionOptions.TLS_TRUSTSTORE_PASSWORD, password);
        return mqtt;
    }

    /**
     * The configuration of the alerts' InfluxDB sink: {@code config} with the batch flush interval
     * of {@code alerts.influxdb.flush-interval}, so that an alert does not wait for a batch of the
     * aggregates' size.
     */
    static Configuration alertSinkConfig(Configuration config) {
        Configuration alerts = new Configuration(config);
        alerts.set(
                InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL,
                config.get(VigilJobOptions.ALERTS_INFLUXDB_FLUSH_INTERVAL));
        return alerts;
    }

    /**
     * A sink of the job's InfluxDB; the points InfluxDB rejects become {@code rejected-by-sink}
     * dead letters unless {@code influxdb.dead-letter-measurement} is empty, which fails the job on
     * them instead.
     */
    private static <T> InfluxDbSink<T> influxSink(
            Configuration config, InfluxDbPointConverter<T> converter) {
        InfluxDbSinkBuilder<T> builder =
                InfluxDbSink.<T>builder().setConfiguration(config).setConverter(converter);
        if (!config.get(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT).isEmpty()) {
            builder.setRejectedPointHandler(InfluxPoints.rejectedBySink());
        }
        return builder.build();
    }
}
