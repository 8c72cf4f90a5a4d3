package io.vigil.e2e.helm;

import static io.vigil.e2e.helm.ChartRenderer.CHART;
import static io.vigil.e2e.helm.ChartRenderer.RELEASE;
import static io.vigil.e2e.helm.ChartRenderer.YAML;
import static io.vigil.e2e.helm.ChartRenderer.ciValues;
import static io.vigil.e2e.helm.ChartRenderer.flinkContainer;
import static io.vigil.e2e.helm.ChartRenderer.flinkEnv;
import static io.vigil.e2e.helm.ChartRenderer.jobConfig;
import static io.vigil.e2e.helm.ChartRenderer.named;
import static io.vigil.e2e.helm.ChartRenderer.ofKind;
import static io.vigil.e2e.helm.ChartRenderer.render;
import static io.vigil.e2e.helm.ChartRenderer.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import io.vigil.job.JobConfigLoader;
import io.vigil.job.JobSetup;
import io.vigil.job.KafkaInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart in helm/vigil, linted and rendered by Helm itself (helm-java runs Helm in-process)
 * for the default values and with each optional part switched on (the chart's ci/ values files).
 */
class HelmChartTest {

    private static final String FULLNAME = RELEASE + "-vigil";

    /** apiVersion of every kind the chart may render. */
    private static final Map<String, String> KNOWN_KINDS =
            Map.of(
                    "ConfigMap", "v1",
                    "Secret", "v1",
                    "Service", "v1",
                    "ServiceAccount", "v1",
                    "StatefulSet", "apps/v1",
                    "Role", "rbac.authorization.k8s.io/v1",
                    "RoleBinding", "rbac.authorization.k8s.io/v1",
                    "FlinkDeployment", "flink.apache.org/v1beta1");

    /** The keys of the job config file that the job understands. */
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private static List<Path> scenarioValues(String scenario) {
        return "default".equals(scenario) ? List.of() : List.of(ciValues(scenario));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "mosquitto", "influxdb", "grafana", "all", "kafka"})
    void lintPassesStrictly(String scenario, @TempDir Path workDir) {
        Path valuesFile = "default".equals(scenario) ? null : ciValues(scenario);

        LintResult result = ChartRenderer.lint(valuesFile, workDir);

        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages())
                .noneMatch(m -> m.startsWith("[ERROR]") || m.startsWith("[WARNING]"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "mosquitto", "influxdb", "grafana", "all", "kafka"})
    void rendersOnlyKnownKindsWithValidNamesAndChartLabels(String scenario) {
        List<JsonNode> documents = render(scenarioValues(scenario), Map.of());

        assertThat(documents).isNotEmpty();
        for (JsonNode document : documents) {
            String kind = document.path("kind").asText();
            String name = document.path("metadata").path("name").asText();
            assertThat(KNOWN_KINDS).as("kind of %s", name).containsKey(kind);
            assertThat(document.path("apiVersion").asText())
                    .as("apiVersion of %s %s", kind, name)
                    .isEqualTo(KNOWN_KINDS.get(kind));
            assertThat(name).as("name of a %s", kind).matches(DNS_NAME).hasSizeLessThan(64);
            assertThat(
                            document.path("metadata")
                                    .path("labels")
                                    .path("app.kubernetes.io/instance")
                                    .asText())
                    .as("instance label of %s %s", kind, name)
                    .isEqualTo(RELEASE);
        }
        assertThat(ofKind(documents, "FlinkDeployment")).hasSize(1);
    }

    static Stream<Arguments> optionalParts() {
        return Stream.of(
                Arguments.of("default", List.of()),
                Arguments.of(
                        "mosquitto",
                        List.of(
                                "StatefulSet/" + FULLNAME + "-mosquitto",
                                "Service/" + FULLNAME + "-mosquitto",
                                "ConfigMap/" + FULLNAME + "-mosquitto")),
                Arguments.of(
                        "influxdb",
                        List.of(
                                "StatefulSet/" + FULLNAME + "-influxdb",
                                "Service/" + FULLNAME + "-influxdb")),
                Arguments.of("grafana", List.of("ConfigMap/" + FULLNAME + "-grafana-datasource")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optionalParts")
    void eachOptionalPartAddsOnlyItsObjects(String scenario, List<String> extraObjects) {
        List<String> base = objects(render(Map.of()));
        List<String> withPart = objects(render(scenarioValues(scenario), Map.of()));

        List<String> added = new ArrayList<>(withPart);
        added.removeAll(base);
        // Grafana also gets one ConfigMap per dashboard file, whatever files exist.
        added.removeIf(o -> o.startsWith("ConfigMap/" + FULLNAME + "-dashboard-"));
        assertThat(added).containsExactlyInAnyOrderElementsOf(extraObjects);
        assertThat(withPart).containsAll(base);
    }

    private static List<String> objects(List<JsonNode> documents) {
        return documents.stream()
                .map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText())
                .toList();
    }

    @Test
    void flinkDeploymentCarriesTheGivenValues() {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("image.repository", "registry.example.com/vigil");
        sets.put("image.tag", "1.2.3");
        sets.put("job.parallelism", "6");
        sets.put("job.extraArgs[0]", "--analytics.window-size");
        sets.put("job.extraArgs[1]", "30s");
        sets.put("flink.checkpointsDir", "s3://fleet-state/cp");
        sets.put("flink.savepointsDir", "s3://fleet-state/sp");
        sets.put("flink.highAvailability.storageDir", "s3://fleet-state/ha");
        sets.put("flink.taskManager.resource.memory", "4096m");
        sets.put("flink.configuration.execution\\.checkpointing\\.interval", "30s");

        JsonNode spec = single(render(sets), "FlinkDeployment").path("spec");

        assertThat(spec.path("image").asText()).isEqualTo("registry.example.com/vigil:1.2.3");
        assertThat(spec.path("serviceAccount").asText()).isEqualTo(FULLNAME);
        assertThat(spec.path("taskManager").path("resource").path("memory").asText())
                .isEqualTo("4096m");
        JsonNode conf = spec.path("flinkConfiguration");
        assertThat(conf.path("execution.checkpointing.interval").asText()).isEqualTo("30s");
        assertThat(conf.path("execution.checkpointing.dir").asText())
                .isEqualTo("s3://fleet-state/cp");
        assertThat(conf.path("state.checkpoints.dir").asText()).isEqualTo("s3://fleet-state/cp");
        assertThat(conf.path("execution.checkpointing.savepoint-dir").asText())
                .isEqualTo("s3://fleet-state/sp");
        assertThat(conf.path("state.savepoints.dir").asText()).isEqualTo("s3://fleet-state/sp");
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(conf.path("high-availability.storageDir").asText())
                .isEqualTo("s3://fleet-state/ha");
        assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
        assertThat(conf.path("execution.checkpointing.incremental").asText()).isEqualTo("true");
        assertThat(conf.path("execution.checkpointing.unaligned.enabled").asText())
                .isEqualTo("true");
        assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("exponential-delay");
        conf.properties()
                .forEach(
                        e ->
                                assertThat(e.getValue().isTextual())
                                        .as("%s is a string, as the operator's map wants", e)
                                        .isTrue());

        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText())
                .isEqualTo("local:///opt/flink/usrlib/vigil-jobs.jar");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.vigil.job.SensorAnalyticsJob");
        assertThat(texts(job.path("args")))
                .containsExactly(
                        "--config",
                        "/opt/vigil/config/vigil.yaml",
                        "--analytics.window-size",
                        "30s");
        assertThat(job.path("parallelism").asInt()).isEqualTo(6);
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
    }

    @Test
    void highAvailabilityIsOffOnlyWhenSwitchedOff() {
        JsonNode conf =
                single(render(Map.of("flink.highAvailability.enabled", "false")), "FlinkDeployment")
                        .path("spec")
                        .path("flinkConfiguration");

        assertThat(conf.has("high-availability.type")).isFalse();
        assertThat(conf.has("high-availability.storageDir")).isFalse();
    }

    @Test
    void chartFlinkConfigurationFollowsTheRepositoryFlinkConfig() throws IOException {
        Map<String, String> repository = new TreeMap<>();
        flatten(
                "",
                YAML.readTree(CHART.resolve("../../flink-conf/config.yaml").toFile()),
                repository);
        JsonNode conf =
                single(render(Map.of()), "FlinkDeployment").path("spec").path("flinkConfiguration");

        // Set per deployment by the operator or the chart's own values, not copied over.
        Set<String> perDeployment =
                Set.of(
                        "jobmanager.rpc.address",
                        "jobmanager.rpc.port",
                        "jobmanager.memory.process.size",
                        "taskmanager.memory.process.size",
                        "parallelism.default",
                        "rest.port",
                        "rest.address",
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir");
        repository.forEach(
                (key, value) -> {
                    if (!perDeployment.contains(key)) {
                        assertThat(conf.path(key).asText())
                                .as("flinkConfiguration %s, as in flink-conf/config.yaml", key)
                                .isEqualTo(value);
                    }
                });
        assertThat(repository).containsKeys(perDeployment.toArray(String[]::new));
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix + e.getKey() + ".", e.getValue(), into));
        } else {
            into.put(prefix.substring(0, prefix.length() - 1), node.asText());
        }
    }

    @Test
    void mountsTheJobConfigAndPatternsWhereTheJobReadsThem() {
        List<JsonNode> documents = render(Map.of());
        JsonNode deployment = single(documents, "FlinkDeployment");

        Map<String, String> mounts = new TreeMap<>();
        flinkContainer(documents)
                .path("volumeMounts")
                .forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        Map<String, String> configMapVolumes = new TreeMap<>();
        deployment
                .path("spec")
                .path("podTemplate")
                .path("spec")
                .path("volumes")
                .forEach(
                        v ->
                                configMapVolumes.put(
                                        v.path("name").asText(),
                                        v.path("configMap").path("name").asText()));

        assertThat(mounts)
                .containsEntry("vigil-config", "/opt/vigil/config")
                .containsEntry("vigil-patterns", "/opt/vigil/patterns");
        assertThat(configMapVolumes)
                .containsEntry("vigil-config", FULLNAME + "-config")
                .containsEntry("vigil-patterns", FULLNAME + "-patterns");
        // The file that --config names is a key of the mounted ConfigMap.
        assertThat(
                        named(documents, "ConfigMap", FULLNAME + "-config")
                                .path("data")
                                .has("vigil.yaml"))
                .isTrue();
        assertThat(texts(jobConfig(documents).path("patterns.files")))
                .containsExactly("/opt/vigil/patterns");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "mosquitto", "influxdb", "grafana", "all", "kafka"})
    void jobConfigLoadsWithTheJobsLoaderAndHoldsNoSecret(String scenario, @TempDir Path dir)
            throws Exception {
        List<JsonNode> documents = render(scenarioValues(scenario), Map.of());
        Path file = dir.resolve("vigil.yaml");
        Files.writeString(
                file,
                named(documents, "ConfigMap", FULLNAME + "-config")
                        .path("data")
                        .path("vigil.yaml")
                        .asText());

        // The job's own loader refuses unknown keys and secrets given in the file.
        Map<String, String> config =
                new JobConfigLoader(JobSetup::isKnownKey, JobSetup.SECRET_KEYS)
                        .load(file, List.of("--analytics.idleness", "1m"));

        assertThat(config)
                .containsEntry("patterns.files", "/opt/vigil/patterns")
                .containsEntry("mqtt.topic-filters", "sensors/#")
                .containsEntry("mqtt.qos", "1")
                .containsKey("mqtt.broker-uris")
                .containsKey("influxdb.url");
    }

    @Test
    void jobConnectsToTheBundledServersWhenSwitchedOn() {
        JsonNode bundled = jobConfig(render(List.of(ciValues("all")), Map.of()));
        JsonNode external = jobConfig(render(Map.of()));
        JsonNode given =
                jobConfig(
                        render(
                                List.of(ciValues("all")),
                                Map.of(
                                        "vigil.mqtt.brokerUris[0]", "ssl://broker.example.com:8883",
                                        "vigil.influxdb.url", "https://influx.example.com")));

        assertThat(texts(bundled.path("mqtt.broker-uris")))
                .containsExactly("tcp://" + FULLNAME + "-mosquitto:1883");
        assertThat(bundled.path("influxdb.url").asText())
                .isEqualTo("http://" + FULLNAME + "-influxdb:8086");
        assertThat(texts(external.path("mqtt.broker-uris")))
                .containsExactly("tcp://mosquitto:1883");
        assertThat(external.path("influxdb.url").asText()).isEqualTo("http://influxdb:8086");
        assertThat(texts(given.path("mqtt.broker-uris")))
                .containsExactly("ssl://broker.example.com:8883");
        assertThat(given.path("influxdb.url").asText()).isEqualTo("https://influx.example.com");
    }

    @Test
    void secretsAreReferencedFromSecretsNeverInlined() {
        List<JsonNode> documents = render(List.of(ciValues("all")), Map.of());

        Map<String, JsonNode> env = flinkEnv(documents);
        assertSecretRef(env.get("VIGIL_MQTT_PASSWORD"), "vigil-mqtt", "password");
        assertSecretRef(env.get("VIGIL_INFLUXDB_PASSWORD"), "vigil-influxdb", "password");
        assertSecretRef(env.get("AWS_ACCESS_KEY_ID"), "vigil-s3", "access-key-id");
        assertSecretRef(env.get("AWS_SECRET_ACCESS_KEY"), "vigil-s3", "secret-access-key");
        JsonNode config = jobConfig(documents);
        assertThat(config.path("mqtt.password-env").asText()).isEqualTo("VIGIL_MQTT_PASSWORD");
        assertThat(config.path("influxdb.password-env").asText())
                .isEqualTo("VIGIL_INFLUXDB_PASSWORD");
        assertThat(ofKind(documents, "Secret")).isEmpty();
        // The bundled servers read the same Secrets.
        assertSecretRef(
                envOf(named(documents, "StatefulSet", FULLNAME + "-mosquitto"), "MQTT_PASSWORD"),
                "vigil-mqtt",
                "password");
        assertSecretRef(
                envOf(
                        named(documents, "StatefulSet", FULLNAME + "-influxdb"),
                        "INFLUXDB_ADMIN_PASSWORD"),
                "vigil-influxdb",
                "password");
        // No environment variable anywhere that looks like a secret carries a literal value.
        List<JsonNode> envVars = new ArrayList<>();
        documents.forEach(d -> collectEnv(d, envVars));
        assertThat(envVars)
                .filteredOn(e -> e.path("name").asText().matches(".*(PASSWORD|TOKEN|SECRET).*"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.has("value")).as("%s", e).isFalse());
    }

    @Test
    void influxdbTokenGoesToItsOwnVariable() {
        List<JsonNode> documents =
                render(
                        Map.of(
                                "vigil.influxdb.existingSecret", "influx-token",
                                "vigil.influxdb.tokenKey", "token"));

        assertSecretRef(flinkEnv(documents).get("VIGIL_INFLUXDB_TOKEN"), "influx-token", "token");
        assertThat(flinkEnv(documents)).doesNotContainKey("VIGIL_INFLUXDB_PASSWORD");
        JsonNode config = jobConfig(documents);
        assertThat(config.path("influxdb.token-env").asText()).isEqualTo("VIGIL_INFLUXDB_TOKEN");
        assertThat(config.has("influxdb.password-env")).isFalse();
    }

    @Test
    void kafkaValuesGiveTheJobAKafkaInputWithItsSecretsFromSecrets(@TempDir Path dir)
            throws Exception {
        List<JsonNode> documents = render(List.of(ciValues("kafka")), Map.of());
        Path file = dir.resolve("vigil.yaml");
        Files.writeString(
                file,
                named(documents, "ConfigMap", FULLNAME + "-config")
                        .path("data")
                        .path("vigil.yaml")
                        .asText());
        Configuration config =
                Configuration.fromMap(
                        new JobConfigLoader(JobSetup::isKnownKey, JobSetup.SECRET_KEYS)
                                .load(file, List.of()));

        assertThat(KafkaInput.check(config)).as("the job's own checks").isEmpty();
        assertThat(config.toMap())
                .containsEntry("source.type", "kafka")
                .containsEntry("kafka.bootstrap-servers", "kafka-0.kafka:9093,kafka-1.kafka:9093")
                .containsEntry("kafka.topics", "mqtt-sensors")
                .containsEntry("kafka.group-id", "vigil-prod")
                .containsEntry("kafka.sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("kafka.sasl.username", "vigil")
                .containsEntry("kafka.sasl.password-env", "VIGIL_KAFKA_PASSWORD")
                .containsEntry("kafka.tls.enabled", "true")
                .containsEntry("kafka.tls.truststore.path", "/opt/vigil/kafka-tls/ca.crt")
                .containsEntry("kafka.tls.truststore.type", "PEM");
        assertSecretRef(flinkEnv(documents).get("VIGIL_KAFKA_PASSWORD"), "vigil-kafka", "password");
        JsonNode volume =
                stream(
                                single(documents, "FlinkDeployment")
                                        .path("spec")
                                        .path("podTemplate")
                                        .path("spec")
                                        .path("volumes"))
                        .filter(v -> "vigil-kafka-tls".equals(v.path("name").asText()))
                        .findFirst()
                        .orElseThrow();
        assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("kafka-ca");
        assertThat(flinkContainer(documents).path("volumeMounts").toString())
                .contains("/opt/vigil/kafka-tls");
        assertThat(ofKind(documents, "Secret")).isEmpty();

        JsonNode mqttOnly = jobConfig(render(Map.of()));
        assertThat(mqttOnly.has("source.type")).isFalse();
        assertThat(flinkEnv(render(Map.of()))).doesNotContainKey("VIGIL_KAFKA_PASSWORD");
    }

    @Test
    void mqttCaCertificateIsMountedFromItsSecret() {
        List<JsonNode> documents = render(Map.of("vigil.mqtt.tls.caSecret", "broker-ca"));

        JsonNode volume =
                stream(
                                single(documents, "FlinkDeployment")
                                        .path("spec")
                                        .path("podTemplate")
                                        .path("spec")
                                        .path("volumes"))
                        .filter(v -> "vigil-mqtt-tls".equals(v.path("name").asText()))
                        .findFirst()
                        .orElseThrow();
        assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("broker-ca");
        assertThat(jobConfig(documents).path("mqtt.tls.ca-file").asText())
                .isEqualTo("/opt/vigil/mqtt-tls/ca.crt");
        assertThat(flinkContainer(documents).path("volumeMounts").toString())
                .contains("/opt/vigil/mqtt-tls");
    }

    @Test
    void defaultValuesHoldNoSecretAndRenderNoSecret() throws IOException {
        Map<String, String> secretLike = new TreeMap<>();
        flatten("", YAML.readTree(CHART.resolve("values.yaml").toFile()), secretLike);
        secretLike
                .entrySet()
                .removeIf(
                        e -> {
                            String leaf = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
                            return !leaf.matches("(?i).*(password|token|secret).*")
                                    || leaf.endsWith("Key")
                                    || leaf.endsWith("Env")
                                    || leaf.equals("createSecret")
                                    || leaf.equals("existingSecret");
                        });

        assertThat(secretLike).isNotEmpty().allSatisfy((k, v) -> assertThat(v).as(k).isEmpty());
        for (String scenario : List.of("default", "mosquitto", "influxdb", "grafana", "all")) {
            assertThat(ofKind(render(scenarioValues(scenario), Map.of()), "Secret"))
                    .as("Secrets rendered for %s", scenario)
                    .isEmpty();
        }
    }

    @Test
    void createsSecretsFromValuesOnlyWhenAskedAndMarksThemForTesting() {
        List<JsonNode> documents =
                render(
                        Map.of(
                                "vigil.mqtt.createSecret", "true",
                                "vigil.mqtt.password", "mqtt-test-pw",
                                "vigil.influxdb.createSecret", "true",
                                "vigil.influxdb.password", "influx-test-pw"));

        JsonNode mqtt = named(documents, "Secret", FULLNAME + "-mqtt");
        assertThat(decode(mqtt.path("data").path("password"))).isEqualTo("mqtt-test-pw");
        assertThat(mqtt.path("metadata").path("annotations").toString()).contains("testing only");
        JsonNode influx = named(documents, "Secret", FULLNAME + "-influxdb");
        assertThat(decode(influx.path("data").path("password"))).isEqualTo("influx-test-pw");
        Map<String, JsonNode> env = flinkEnv(documents);
        assertSecretRef(env.get("VIGIL_MQTT_PASSWORD"), FULLNAME + "-mqtt", "password");
        assertSecretRef(env.get("VIGIL_INFLUXDB_PASSWORD"), FULLNAME + "-influxdb", "password");
        // The values go only into the Secrets, nowhere else.
        documents.stream()
                .filter(d -> !"Secret".equals(d.path("kind").asText()))
                .forEach(d -> assertThat(d.toString()).doesNotContain("test-pw"));
    }

    /** A bundled server switched on with only {@code given} of the login it needs. */
    private static Arguments needsLogin(String server, String client, Map<String, String> given) {
        Map<String, String> sets = new LinkedHashMap<>(given);
        sets.put(server + ".enabled", "true");
        return Arguments.of(
                sets,
                String.format(
                        "%s.enabled needs vigil.%s.username and vigil.%s.existingSecret",
                        server, client, client));
    }

    static Stream<Arguments> refusedValues() {
        return Stream.of(
                Arguments.of(
                        Map.of("vigil.mqtt.createSecret", "true"),
                        "vigil.mqtt.createSecret needs vigil.mqtt.password"),
                Arguments.of(
                        Map.of("vigil.influxdb.createSecret", "true"),
                        "vigil.influxdb.createSecret needs vigil.influxdb.password"),
                needsLogin("mosquitto", "mqtt", Map.of()),
                needsLogin("mosquitto", "mqtt", Map.of("vigil.mqtt.existingSecret", "s")),
                needsLogin("influxdb", "influxdb", Map.of()),
                needsLogin("influxdb", "influxdb", Map.of("vigil.influxdb.username", "admin")),
                Arguments.of(
                        Map.of(
                                "flink.jobManager.replicas", "2",
                                "flink.highAvailability.enabled", "false"),
                        "flink.jobManager.replicas > 1 needs flink.highAvailability.enabled"),
                Arguments.of(
                        Map.of("job.upgradeMode", "savepiont"),
                        "job.upgradeMode must be savepoint, last-state or stateless, not"
                                + " \"savepiont\""),
                Arguments.of(
                        Map.of("vigil.source", "kafka"),
                        "vigil.source kafka needs vigil.kafka.bootstrapServers"),
                Arguments.of(
                        Map.of(
                                "vigil.source", "kafka",
                                "vigil.kafka.bootstrapServers", "k:9092",
                                "vigil.kafka.topics[0]", "a",
                                "vigil.kafka.topicPattern", "b.*"),
                        "needs exactly one of vigil.kafka.topics and vigil.kafka.topicPattern"),
                Arguments.of(
                        Map.of(
                                "vigil.source", "kafka",
                                "vigil.kafka.bootstrapServers", "k:9092",
                                "vigil.kafka.topics[0]", "a",
                                "vigil.kafka.sasl.mechanism", "PLAIN"),
                        "vigil.kafka.sasl.mechanism needs vigil.kafka.sasl.username and"
                                + " vigil.kafka.sasl.existingSecret"),
                Arguments.of(
                        Map.of("vigil.source", "amqp"),
                        "vigil.source must be mqtt or kafka, not \"amqp\""),
                Arguments.of(
                        Map.of("flink.highAvailability.storageDir", ""),
                        "flink.highAvailability.storageDir is required with HA"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusedValues")
    void refusesValuesThatDoNotWorkTogether(Map<String, String> sets, String message) {
        assertThatThrownBy(() -> render(sets))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message);
    }

    @Test
    void shippedDefaultPatternsAreTheRepositoryDefaults() throws IOException {
        String repository =
                Files.readString(CHART.resolve("../../cep-patterns/patterns/default.yaml"));

        assertThat(Files.readString(CHART.resolve("patterns/default.yaml")))
                .as(
                        "helm/vigil/patterns/default.yaml is a copy of"
                                + " cep-patterns/patterns/default.yaml")
                .isEqualTo(repository);
        JsonNode data = named(render(Map.of()), "ConfigMap", FULLNAME + "-patterns").path("data");
        assertThat(names(data)).containsExactly("default.yaml");
        assertThat(data.path("default.yaml").asText()).isEqualTo(repository);
    }

    @Test
    void patternFilesFromValuesReplaceTheDefault(@TempDir Path dir) throws IOException {
        String burst =
                "patterns:\n"
                        + "  - name: loud\n"
                        + "    type: burst\n"
                        + "    metrics: [sound]\n"
                        + "    threshold: 90\n"
                        + "    min-events: 2\n"
                        + "    within: 5s\n";
        Path values = dir.resolve("patterns-values.yaml");
        Files.writeString(
                values,
                "patterns:\n  files:\n    loud.yaml: |\n"
                        + burst.lines().map(l -> "      " + l + "\n").reduce("", String::concat)
                        + "    drift.yaml:\n      patterns:\n        - name: warm\n"
                        + "          type: drift\n");

        JsonNode data =
                named(render(List.of(values), Map.of()), "ConfigMap", FULLNAME + "-patterns")
                        .path("data");

        assertThat(names(data)).containsExactlyInAnyOrder("loud.yaml", "drift.yaml");
        assertThat(data.path("loud.yaml").asText()).isEqualTo(burst);
        // A file given as YAML rather than text is written out as YAML text.
        JsonNode drift = YAML.readTree(data.path("drift.yaml").asText());
        assertThat(drift.path("patterns").get(0).path("name").asText()).isEqualTo("warm");
    }

    @Test
    void mosquittoKeepsSessionsOnDiskAndBoundsTheirQueue() {
        List<JsonNode> documents = render(List.of(ciValues("mosquitto")), Map.of());

        String conf =
                named(documents, "ConfigMap", FULLNAME + "-mosquitto")
                        .path("data")
                        .path("mosquitto.conf")
                        .asText();
        assertThat(conf.lines().filter(l -> !l.startsWith("#")))
                .contains(
                        "listener 1883",
                        "persistence true",
                        "persistence_location /mosquitto/data/",
                        "max_queued_messages 100000",
                        "queue_qos0_messages false",
                        "allow_anonymous false",
                        "password_file /mosquitto/auth/passwd");
        JsonNode statefulSet = named(documents, "StatefulSet", FULLNAME + "-mosquitto");
        JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").get(0);
        assertThat(claim.path("metadata").path("name").asText()).isEqualTo("data");
        assertThat(statefulSet.path("spec").path("template").toString())
                .contains("\"mountPath\":\"/mosquitto/data\"")
                .contains("mosquitto_passwd");

        // No anonymous broker any more: without a login the chart refuses to render (see
        // refusedValues); with one, the queue bound follows the values.
        Map<String, String> smallQueue = bundledServers();
        smallQueue.put("mosquitto.maxQueuedMessages", "5000");
        assertThat(mosquittoFile(render(smallQueue), "mosquitto.conf").lines())
                .contains("allow_anonymous false", "max_queued_messages 5000")
                .doesNotContain("allow_anonymous true");
    }

    @Test
    void influxdbKeepsDataOnAVolumeAndTakesItsLoginFromTheSecret() {
        List<JsonNode> documents = render(List.of(ciValues("influxdb")), Map.of());

        JsonNode statefulSet = named(documents, "StatefulSet", FULLNAME + "-influxdb");
        JsonNode container =
                statefulSet.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo("influxdb:1.8");
        assertThat(envOf(statefulSet, "INFLUXDB_HTTP_AUTH_ENABLED").path("value").asText())
                .isEqualTo("true");
        assertThat(envOf(statefulSet, "INFLUXDB_ADMIN_USER").path("value").asText())
                .isEqualTo("vigil");
        assertThat(envOf(statefulSet, "INFLUXDB_DB").path("value").asText()).isEqualTo("vigil");
        assertThat(container.path("volumeMounts").get(0).path("mountPath").asText())
                .isEqualTo("/var/lib/influxdb");
        assertThat(
                        statefulSet
                                .path("spec")
                                .path("volumeClaimTemplates")
                                .get(0)
                                .path("spec")
                                .path("resources")
                                .path("requests")
                                .path("storage")
                                .asText())
                .isEqualTo("8Gi");
    }

    @Test
    void grafanaDatasourceCarriesTheSidecarLabelAndTheDashboardsUid() throws IOException {
        List<JsonNode> documents = render(List.of(ciValues("all")), Map.of());

        JsonNode configMap = named(documents, "ConfigMap", FULLNAME + "-grafana-datasource");
        assertThat(configMap.path("metadata").path("labels").path("grafana_datasource").asText())
                .isEqualTo("1");
        assertThat(configMap.path("metadata").path("namespace").asText()).isEqualTo("monitoring");
        JsonNode datasource =
                YAML.readTree(configMap.path("data").path("vigil-datasource.yaml").asText())
                        .path("datasources")
                        .get(0);
        assertThat(datasource.path("uid").asText()).isEqualTo("vigil-influxdb");
        assertThat(datasource.path("type").asText()).isEqualTo("influxdb");
        assertThat(datasource.path("url").asText())
                .isEqualTo("http://" + FULLNAME + "-influxdb." + ChartRenderer.NAMESPACE + ":8086");
        assertThat(datasource.path("jsonData").path("version").asText()).isEqualTo("InfluxQL");
        assertThat(datasource.path("jsonData").path("dbName").asText()).isEqualTo("vigil");
        assertThat(datasource.path("secureJsonData").path("password").asText())
                .isEqualTo("${VIGIL_INFLUXDB_PASSWORD}");

        JsonNode external =
                YAML.readTree(
                        named(
                                        render(
                                                Map.of(
                                                        "grafana.enabled", "true",
                                                        "vigil.influxdb.url",
                                                                "https://influx.example.com")),
                                        "ConfigMap",
                                        FULLNAME + "-grafana-datasource")
                                .path("data")
                                .path("vigil-datasource.yaml")
                                .asText());
        assertThat(external.path("datasources").get(0).path("url").asText())
                .isEqualTo("https://influx.example.com");
    }

    @Test
    void dashboardFilesLandInConfigMapsWithTheSidecarLabel(@TempDir Path dir) throws IOException {
        Path chart = ChartRenderer.copyChart(dir);
        Path dashboards = chart.resolve("dashboards");
        Files.createDirectories(dashboards);
        try (Stream<Path> existing = Files.list(dashboards)) {
            for (Path file : existing.toList()) {
                Files.delete(file);
            }
        }
        String fleet = "{\"title\": \"Fleet overview\", \"uid\": \"vigil-fleet\", \"panels\": []}";
        String alerts = "{\"title\": \"Alerts\", \"uid\": \"vigil-alerts\", \"panels\": []}";
        Files.writeString(dashboards.resolve("Fleet_Overview.json"), fleet);
        Files.writeString(dashboards.resolve("alerts.json"), alerts);
        Files.writeString(dashboards.resolve("notes.txt"), "not a dashboard");

        List<JsonNode> documents =
                ChartRenderer.render(chart, List.of(), Map.of("grafana.enabled", "true"));

        JsonNode fleetMap = named(documents, "ConfigMap", FULLNAME + "-dashboard-fleet-overview");
        JsonNode alertsMap = named(documents, "ConfigMap", FULLNAME + "-dashboard-alerts");
        assertThat(fleetMap.path("data").path("Fleet_Overview.json").asText()).isEqualTo(fleet);
        assertThat(alertsMap.path("data").path("alerts.json").asText()).isEqualTo(alerts);
        for (JsonNode map : List.of(fleetMap, alertsMap)) {
            assertThat(map.path("metadata").path("labels").path("grafana_dashboard").asText())
                    .isEqualTo("1");
            assertThat(map.path("metadata").path("annotations").path("grafana_folder").asText())
                    .isEqualTo("Vigil");
        }
        assertThat(dashboardConfigMaps(documents)).hasSize(2);
        assertThat(dashboardConfigMaps(ChartRenderer.render(chart, List.of(), Map.of())))
                .as("no dashboards without grafana.enabled")
                .isEmpty();
    }

    @Test
    void everyDashboardShippedWithTheChartIsProvisioned() throws IOException {
        Map<String, String> shipped = new TreeMap<>();
        Path dashboards = CHART.resolve("dashboards");
        if (Files.isDirectory(dashboards)) {
            try (Stream<Path> files = Files.list(dashboards)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    shipped.put(file.getFileName().toString(), Files.readString(file));
                }
            }
        }

        Map<String, String> provisioned = new TreeMap<>();
        for (JsonNode map : dashboardConfigMaps(render(List.of(ciValues("grafana")), Map.of()))) {
            assertThat(map.path("metadata").path("labels").path("grafana_dashboard").asText())
                    .isEqualTo("1");
            map.path("data")
                    .properties()
                    .forEach(e -> provisioned.put(e.getKey(), e.getValue().asText()));
        }

        assertThat(provisioned).isEqualTo(shipped);
    }

    @Test
    void dockerfileBuildsOnTheFlinkImageOfThePomAndPutsTheJarWhereTheChartRunsIt()
            throws IOException {
        String dockerfile = Files.readString(CHART.resolve("../../jobs/Dockerfile"));
        String pom = Files.readString(CHART.resolve("../../pom.xml"));
        Matcher flinkVersion = Pattern.compile("<flink.version>(.+)</flink.version>").matcher(pom);
        assertThat(flinkVersion.find()).isTrue();
        String jarPath =
                single(render(Map.of()), "FlinkDeployment")
                        .path("spec")
                        .path("job")
                        .path("jarURI")
                        .asText()
                        .substring("local://".length());

        assertThat(dockerfile)
                .contains("ARG FLINK_VERSION=" + flinkVersion.group(1) + "\n")
                .contains("FROM flink:${FLINK_VERSION}-java17")
                .containsPattern("COPY .*target/vigil-jobs-\\$\\{VIGIL_VERSION\\}\\.jar " + jarPath)
                .contains("/opt/flink/plugins/s3-fs-presto");
    }

    /** The bundled servers with the logins they need and nothing else switched on. */
    private static Map<String, String> bundledServers() {
        return new LinkedHashMap<>(
                Map.of(
                        "mosquitto.enabled", "true",
                        "influxdb.enabled", "true",
                        "vigil.mqtt.username", "vigil",
                        "vigil.mqtt.existingSecret", "vigil-mqtt",
                        "vigil.influxdb.username", "vigil",
                        "vigil.influxdb.existingSecret", "vigil-influxdb"));
    }

    private static String mosquittoFile(List<JsonNode> documents, String file) {
        return named(documents, "ConfigMap", FULLNAME + "-mosquitto")
                .path("data")
                .path(file)
                .asText();
    }

    @Test
    void mosquittoRefusesAnonymousClientsAndGrantsTopicsByAcl() {
        Map<String, String> sets = bundledServers();
        sets.put("mosquitto.auth.deviceUsers[0]", "plant-a");
        sets.put("mosquitto.auth.deviceUsers[1]", "plant-b");
        List<JsonNode> documents = render(sets);

        assertThat(mosquittoFile(documents, "mosquitto.conf").lines())
                .contains(
                        "allow_anonymous false",
                        "password_file /mosquitto/auth/passwd",
                        "acl_file /mosquitto/config/acl")
                .doesNotContain("allow_anonymous true");
        assertThat(mosquittoFile(documents, "acl").lines().filter(l -> !l.startsWith("#")))
                .containsSubsequence("user vigil", "topic read sensors/#", "topic write alerts/#")
                .containsSubsequence("user plant-a", "topic write sensors/#")
                .containsSubsequence("user plant-b", "topic write sensors/#");
        JsonNode statefulSet = named(documents, "StatefulSet", FULLNAME + "-mosquitto");
        assertSecretRef(envOf(statefulSet, "MQTT_PASSWORD"), "vigil-mqtt", "password");
        // The job logs in as the ACL's job user, with the password from the same Secret.
        JsonNode config = jobConfig(documents);
        assertThat(config.path("mqtt.username").asText()).isEqualTo("vigil");
        assertThat(config.path("mqtt.password-env").asText()).isEqualTo("VIGIL_MQTT_PASSWORD");
        assertSecretRef(flinkEnv(documents).get("VIGIL_MQTT_PASSWORD"), "vigil-mqtt", "password");
    }

    @Test
    void mosquittoAddsDeviceLoginsFromAPasswordFileSecret() {
        Map<String, String> sets = bundledServers();
        sets.put("mosquitto.auth.devicePasswordFileSecret", "vigil-devices");
        JsonNode template =
                named(render(sets), "StatefulSet", FULLNAME + "-mosquitto")
                        .path("spec")
                        .path("template");

        assertThat(stream(template.path("spec").path("volumes")))
                .anySatisfy(
                        v ->
                                assertThat(v.path("secret").path("secretName").asText())
                                        .isEqualTo("vigil-devices"));
        assertThat(template.path("spec").path("initContainers").toString())
                .contains("/mosquitto/devices/passwd")
                .contains("mosquitto_passwd -b");
    }

    @Test
    void mosquittoKeepsUnacknowledgedMessagesForACheckpointAndARestart() {
        String conf = mosquittoFile(render(bundledServers()), "mosquitto.conf");

        assertThat(conf.lines())
                .contains(
                        "persistence true",
                        "max_inflight_messages 20000",
                        "max_queued_messages 100000",
                        "persistent_client_expiration 7d");
        // Each of these settings carries the reason it is there on the line before it.
        List<String> lines = conf.lines().toList();
        for (String setting :
                List.of(
                        "persistence",
                        "max_inflight_messages",
                        "max_queued_messages",
                        "persistent_client_expiration")) {
            int at =
                    lines.indexOf(
                            lines.stream()
                                    .filter(l -> l.startsWith(setting + " "))
                                    .findFirst()
                                    .orElseThrow());
            assertThat(lines.get(at - 1)).as("comment before %s", setting).startsWith("#");
        }
    }

    @Test
    void influxdbRequiresALoginWhoseAdminComesFromTheSecret() {
        List<JsonNode> documents = render(bundledServers());

        JsonNode statefulSet = named(documents, "StatefulSet", FULLNAME + "-influxdb");
        assertThat(envOf(statefulSet, "INFLUXDB_HTTP_AUTH_ENABLED").path("value").asText())
                .isEqualTo("true");
        assertThat(envOf(statefulSet, "INFLUXDB_ADMIN_USER").path("value").asText())
                .isEqualTo("vigil");
        assertSecretRef(
                envOf(statefulSet, "INFLUXDB_ADMIN_PASSWORD"), "vigil-influxdb", "password");
        JsonNode config = jobConfig(documents);
        assertThat(config.path("influxdb.username").asText()).isEqualTo("vigil");
        assertThat(config.path("influxdb.password-env").asText())
                .isEqualTo("VIGIL_INFLUXDB_PASSWORD");
    }

    /** Pod securityContext fields (JSON pointer to JSON text) of every pod the chart renders. */
    private static final Map<String, String> POD_SECURITY =
            Map.of("/runAsNonRoot", "true", "/seccompProfile/type", "\"RuntimeDefault\"");

    private static final Map<String, String> CONTAINER_SECURITY =
            Map.of(
                    "/allowPrivilegeEscalation", "false",
                    "/readOnlyRootFilesystem", "true",
                    "/capabilities/drop", "[\"ALL\"]");

    private static void assertJsonAt(JsonNode node, Map<String, String> expected, String what) {
        expected.forEach(
                (pointer, json) ->
                        assertThat(node.at(pointer).toString())
                                .as("%s securityContext%s", what, pointer)
                                .isEqualTo(json));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "all"})
    void everyPodRunsAsNonRootWithNoPrivilegesAndAReadOnlyRoot(String scenario) {
        List<JsonNode> documents = render(scenarioValues(scenario), Map.of());
        Map<String, JsonNode> pods = new TreeMap<>();
        ofKind(documents, "StatefulSet")
                .forEach(
                        s ->
                                pods.put(
                                        "StatefulSet/" + s.path("metadata").path("name").asText(),
                                        s.path("spec").path("template").path("spec")));
        pods.put(
                "FlinkDeployment podTemplate",
                single(documents, "FlinkDeployment").path("spec").path("podTemplate").path("spec"));

        pods.forEach(
                (pod, spec) -> {
                    JsonNode podContext = spec.path("securityContext");
                    assertJsonAt(podContext, POD_SECURITY, pod);
                    assertThat(podContext.path("runAsUser").asInt())
                            .as("%s runAsUser", pod)
                            .isPositive();
                    List<JsonNode> containers = new ArrayList<>();
                    spec.path("initContainers").forEach(containers::add);
                    spec.path("containers").forEach(containers::add);
                    assertThat(containers).as("%s containers", pod).isNotEmpty();
                    containers.forEach(
                            c ->
                                    assertJsonAt(
                                            c.path("securityContext"),
                                            CONTAINER_SECURITY,
                                            pod + " container " + c.path("name").asText()));
                });
        // A read-only root needs somewhere to write: Flink's temporary files and logs.
        Map<String, String> mounts = new TreeMap<>();
        flinkContainer(documents)
                .path("volumeMounts")
                .forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertThat(mounts).containsKeys("/tmp", "/opt/flink/log");
    }

    @Test
    void dockerfileRunsAsTheFlinkUserOnAPinnedBase() throws IOException {
        String dockerfile = Files.readString(CHART.resolve("../../jobs/Dockerfile"));
        List<String> instructions =
                dockerfile.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();

        assertThat(dockerfile).doesNotContainIgnoringCase("latest");
        assertThat(instructions)
                .anyMatch(l -> l.matches("ARG FLINK_IMAGE_DIGEST=.*"))
                .anyMatch(l -> l.equals("FROM flink:${FLINK_VERSION}-java17${FLINK_IMAGE_DIGEST}"));
        assertThat(instructions.get(instructions.size() - 1))
                .as("the last instruction: the image runs as the flink user")
                .isEqualTo("USER flink");
        assertThat(instructions)
                .filteredOn(l -> l.startsWith("COPY "))
                .isNotEmpty()
                .allMatch(l -> l.startsWith("COPY --chown=flink:flink "));
    }

    @ParameterizedTest(name = "highAvailability.enabled={0}")
    @ValueSource(booleans = {true, false})
    void roleGrantsOnlyWhatTheFlinkJobManagerDoes(boolean highAvailability) {
        JsonNode role =
                named(
                        render(
                                Map.of(
                                        "flink.highAvailability.enabled",
                                        String.valueOf(highAvailability))),
                        "Role",
                        FULLNAME + "-flink");
        Map<String, Set<String>> verbs = new TreeMap<>();
        Map<String, Set<String>> names = new TreeMap<>();
        for (JsonNode rule : role.path("rules")) {
            for (String resource : texts(rule.path("resources"))) {
                verbs.computeIfAbsent(resource, r -> new TreeSet<>())
                        .addAll(texts(rule.path("verbs")));
                names.computeIfAbsent(resource, r -> new TreeSet<>())
                        .addAll(
                                rule.has("resourceNames")
                                        ? texts(rule.path("resourceNames"))
                                        : List.of("*"));
            }
        }

        assertThat(verbs.values()).allSatisfy(v -> assertThat(v).doesNotContain("*"));
        assertThat(verbs.get("pods"))
                .containsExactlyInAnyOrder("get", "list", "watch", "create", "delete");
        // Only the JobManager's own Deployment, which owns the TaskManager pods.
        assertThat(verbs.get("deployments")).containsExactlyInAnyOrder("get", "delete");
        assertThat(names.get("deployments")).containsExactly(FULLNAME);
        assertThat(verbs.get("deployments/finalizers")).containsExactly("update");
        assertThat(names.get("deployments/finalizers")).containsExactly(FULLNAME);
        if (highAvailability) {
            assertThat(verbs.get("configmaps"))
                    .containsExactlyInAnyOrder("get", "list", "watch", "create", "update");
        } else {
            assertThat(verbs).doesNotContainKey("configmaps");
        }
        assertThat(verbs)
                .containsOnlyKeys(
                        highAvailability
                                ? List.of(
                                        "pods",
                                        "deployments",
                                        "deployments/finalizers",
                                        "configmaps")
                                : List.of("pods", "deployments", "deployments/finalizers"));
    }

    @Test
    void readmeValuesTableListsEveryValueAndNoOther() throws IOException {
        Set<String> values = new TreeSet<>();
        valueKeys("", YAML.readTree(CHART.resolve("values.yaml").toFile()), values);
        Set<String> documented = new TreeSet<>();
        String readme = Files.readString(CHART.resolve("README.md"));
        String table = readme.substring(readme.indexOf("## Values"));
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }

        assertThat(documented).isEqualTo(values);
    }

    /** Keys down to the leaves, stopping at maps that hold free-form content. */
    private static void valueKeys(String prefix, JsonNode node, Set<String> into) {
        if (node.isObject() && !node.isEmpty() && !prefix.equals("flink.configuration")) {
            node.properties()
                    .forEach(
                            e ->
                                    valueKeys(
                                            prefix.isEmpty()
                                                    ? e.getKey()
                                                    : prefix + "." + e.getKey(),
                                            e.getValue(),
                                            into));
        } else {
            into.add(prefix);
        }
    }

    private static List<JsonNode> dashboardConfigMaps(List<JsonNode> documents) {
        return ofKind(documents, "ConfigMap").stream()
                .filter(
                        d ->
                                d.path("metadata")
                                        .path("name")
                                        .asText()
                                        .startsWith(FULLNAME + "-dashboard-"))
                .toList();
    }

    private static void assertSecretRef(JsonNode envVar, String secret, String key) {
        assertThat(envVar).as("environment variable").isNotNull();
        assertThat(envVar.has("value")).as("%s has a literal value", envVar).isFalse();
        JsonNode ref = envVar.path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asText()).as("Secret of %s", envVar).isEqualTo(secret);
        assertThat(ref.path("key").asText()).as("key of %s", envVar).isEqualTo(key);
    }

    private static JsonNode envOf(JsonNode workload, String name) {
        List<JsonNode> env = new ArrayList<>();
        collectEnv(workload, env);
        return env.stream()
                .filter(e -> name.equals(e.path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No environment variable " + name));
    }

    /** Every entry of every {@code env} list anywhere in the document. */
    private static void collectEnv(JsonNode node, List<JsonNode> into) {
        if (node.isObject()) {
            node.properties()
                    .forEach(
                            e -> {
                                if ("env".equals(e.getKey()) && e.getValue().isArray()) {
                                    e.getValue().forEach(into::add);
                                } else {
                                    collectEnv(e.getValue(), into);
                                }
                            });
        } else if (node.isArray()) {
            node.forEach(child -> collectEnv(child, into));
        }
    }

    private static String decode(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    private static List<String> texts(JsonNode array) {
        return stream(array).map(JsonNode::asText).toList();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
