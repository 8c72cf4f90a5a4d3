package io.vigil.job;

import io.vigil.cep.PatternOptions;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigException;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import io.vigil.connectors.mqtt.sink.MqttSinkOptions;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.parsing.ParserOptions;
import io.vigil.pipeline.SensorAnalyticsOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Unmatched;

/**
 * Everything the job needs before it is built: the configuration from {@code --config FILE} plus
 * {@code --key value} overrides, and the validated pattern files it names.
 *
 * <p>Vigil's own keys ({@code mqtt.}, {@code influxdb.}, {@code analytics.}, ...) are checked
 * against the options the job knows, so a typo stops the job before submission. Keys in Flink's own
 * namespaces ({@code execution.}, {@code state.}, ...) are passed to Flink as they are.
 */
public record JobSetup(Configuration config, PatternConfig patterns) {

    static final List<String> DEFAULT_TOPIC_FILTERS = List.of("sensors/#");
    static final String DEFAULT_CLIENT_ID_PREFIX = "vigil";

    private static final List<Class<?>> OPTION_CLASSES =
            List.of(
                    VigilJobOptions.class,
                    KafkaInputOptions.class,
                    MqttSourceOptions.class,
                    MqttSinkOptions.class,
                    InfluxDbSinkOptions.class,
                    SensorAnalyticsOptions.class,
                    ParserOptions.class,
                    PatternOptions.class);

    private static final List<String> FLINK_NAMESPACES =
            List.of(
                    "execution.",
                    "state.",
                    "restart-strategy.",
                    "parallelism.",
                    "pipeline.",
                    "rest.",
                    "taskmanager.",
                    "jobmanager.",
                    "high-availability.",
                    "metrics.");

    /** Keys that would hold a secret; their {@code -env} and {@code -file} forms are the way. */
    public static final Set<String> SECRET_KEYS =
            Set.of(
                    "mqtt.password",
                    "mqtt.tls.truststore.password",
                    "influxdb.password",
                    "influxdb.token");

    /**
     * Reads {@code [--config FILE] [--key value ...]}; throws with every problem found, naming the
     * file, the key or the pattern.
     */
    public static JobSetup fromArgs(String[] args) throws JobConfigException {
        Arguments arguments = Arguments.parse(args);
        Path file = arguments.file;
        Map<String, String> values =
                new JobConfigLoader(JobSetup::isKnownKey, SECRET_KEYS)
                        .load(file, arguments.overrides);
        Configuration config = Configuration.fromMap(values);
        if (!config.contains(MqttSourceOptions.TOPIC_FILTERS)) {
            config.set(MqttSourceOptions.TOPIC_FILTERS, DEFAULT_TOPIC_FILTERS);
        }
        if (!config.contains(MqttSourceOptions.CLIENT_ID_PREFIX)) {
            config.set(MqttSourceOptions.CLIENT_ID_PREFIX, DEFAULT_CLIENT_ID_PREFIX);
        }
        if (config.get(VigilJobOptions.SOURCE_TYPE) == VigilJobOptions.SourceType.KAFKA) {
            List<String> errors = KafkaInput.check(config);
            if (!errors.isEmpty()) {
                String origin = file == null ? "command line" : file.toString();
                throw new JobConfigException(
                        errors.stream()
                                .map(e -> origin + ": " + e)
                                .collect(Collectors.joining(System.lineSeparator())));
            }
        }
        List<String> files = config.get(VigilJobOptions.PATTERN_FILES);
        if (files == null || files.isEmpty()) {
            throw new JobConfigException(
                    String.format(
                            "%s: '%s' is required: the pattern files to load",
                            file == null ? "command line" : file,
                            VigilJobOptions.PATTERN_FILES.key()));
        }
        try {
            return new JobSetup(
                    config, PatternConfigLoader.load(files.stream().map(Path::of).toList()));
        } catch (PatternConfigException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }

    /** True for every key the job accepts in its config file or on the command line. */
    public static boolean isKnownKey(String key) {
        return KnownKeys.VIGIL.contains(key) || FLINK_NAMESPACES.stream().anyMatch(key::startsWith);
    }

    /** Every key of Vigil's own options (Flink's keys not included). */
    public static Set<String> vigilKeys() {
        return KnownKeys.VIGIL;
    }

    /**
     * The job's command line: picocli reads {@code --config FILE}; every other argument is a {@code
     * --key value} override, which {@link JobConfigLoader} checks against the known keys.
     */
    @Command(name = "vigil-job")
    static final class Arguments {

        @Option(names = "--config", paramLabel = "FILE")
        Path file;

        @Unmatched List<String> overrides = new ArrayList<>();

        static Arguments parse(String[] args) throws JobConfigException {
            Arguments arguments = new Arguments();
            try {
                new CommandLine(arguments)
                        .setExpandAtFiles(false)
                        // As with Flink's own -D options, a later value wins.
                        .setOverwrittenOptionsAllowed(true)
                        .parseArgs(args);
            } catch (MissingParameterException e) {
                throw new JobConfigException("command line: --config needs a file");
            } catch (ParameterException e) {
                throw new JobConfigException("command line: " + e.getMessage(), e);
            }
            return arguments;
        }
    }

    /** The keys of all of Vigil's options, gathered once. */
    private static final class KnownKeys {
        static final Set<String> VIGIL = Set.copyOf(collect());

        private static Set<String> collect() {
            Set<String> keys = new HashSet<>();
            for (Class<?> options : OPTION_CLASSES) {
                for (Field field : options.getFields()) {
                    if (Modifier.isStatic(field.getModifiers())
                            && ConfigOption.class.isAssignableFrom(field.getType())) {
                        try {
                            keys.add(((ConfigOption<?>) field.get(null)).key());
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
            return keys;
        }
    }
}
