package io.vigil.e2e.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.InfluxDbSink;
import io.vigil.job.DeadLetterStamper;
import io.vigil.job.InfluxPoints;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.pipeline.SensorAnalytics;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MiniClusters;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboards shipped with the Helm chart: their JSON keeps the rules of {@link
 * DashboardChecks}, and every query in them (panel targets, template variables, annotations)
 * returns rows from a real InfluxDB holding what Vigil's own pipeline wrote for a simulated fleet,
 * both for one device and for the whole fleet.
 */
class DashboardsITCase {

    private static final Path DASHBOARDS = Path.of("../helm/vigil/dashboards");
    private static final Path PATTERNS = Path.of("../cep-patterns/patterns/default.yaml");
    private static final Map<String, String> UIDS =
            Map.of(
                    "vigil-fleet-overview.json", "vigil-fleet-overview",
                    "vigil-device.json", "vigil-device",
                    "vigil-pipeline-health.json", "vigil-pipeline-health");
    private static final String DB = "vigil";
    private static final String INTERVAL = "1m";
    private static final long MAX_DELIVERY_DELAY_MILLIS = 300;

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    private static FleetSimulation simulation;
    private static SimulationSpec spec;
    private static Episode silentMicrophone;

    /**
     * Simulates ten minutes of a fleet that end a minute before now (so that the queries relative
     * to now, such as "silent in the last 30 minutes", see them too), on a seed where a microphone
     * has both a burst and a silence, and writes what the job makes of it to InfluxDB.
     */
    @BeforeAll
    static void writeASimulatedFleetThroughTheJob() throws Exception {
        long start = (System.currentTimeMillis() / 60_000 - 11) * 60_000;
        simulation = null;
        for (long seed = 1; seed <= 100 && silentMicrophone == null; seed++) {
            simulation =
                    FleetSimulation.generate(
                            SimulationSpec.builder()
                                    .setSites(2)
                                    .setDevicesPerSite(4)
                                    .setStartMillis(start)
                                    .setDuration(Duration.ofMinutes(10))
                                    .setSeed(seed)
                                    .setBursts(4)
                                    .setDrifts(2)
                                    .setSilences(3)
                                    .setMalformedShare(0.02)
                                    .setMixedPayloads(true)
                                    .build());
            silentMicrophone = silentMicrophoneWithABurst(simulation);
        }
        assertThat(silentMicrophone).as("a seed with a silent microphone that bursts").isNotNull();
        spec = simulation.spec();

        SplittableRandom delays = new SplittableRandom(spec.seed());
        List<RawMessage> messages = new ArrayList<>();
        for (SimulatedMessage m : simulation.messages()) {
            messages.add(
                    new RawMessage(
                            m.topic(),
                            m.payload(),
                            m.eventTime() + delays.nextLong(MAX_DELIVERY_DELAY_MILLIS)));
        }

        INFLUXDB.createDatabase(DB);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SensorAnalytics.Outputs out =
                new SensorAnalytics(new Configuration(), PatternConfigLoader.load(PATTERNS))
                        .apply(env.fromData(messages, TypeInformation.of(RawMessage.class)));
        sink(out.aggregates(), InfluxPoints::aggregate, "aggregates");
        sink(out.alerts(), InfluxPoints::alert, "alerts");
        sink(
                out.deadLetters().map(new DeadLetterStamper()).name("Stamp dead letters"),
                InfluxPoints::deadLetter,
                "dead letters");
        env.execute("Dashboards data");
    }

    private static Episode silentMicrophoneWithABurst(FleetSimulation simulation) {
        for (Episode silence : simulation.episodes(Episode.Kind.SILENCE)) {
            boolean bursts =
                    simulation.episodes(Episode.Kind.BURST).stream()
                            .anyMatch(
                                    b ->
                                            b.site().equals(silence.site())
                                                    && b.device().equals(silence.device()));
            if (bursts) {
                return silence;
            }
        }
        return null;
    }

    private static <T> void sink(
            DataStream<T> stream, InfluxDbPointConverter<T> converter, String what) {
        stream.sinkTo(
                        InfluxDbSink.<T>builder()
                                .setUrl(INFLUXDB.url())
                                .setDatabase(DB)
                                .setConverter(converter)
                                .build())
                .name("InfluxDB " + what);
    }

    @Test
    void theChartFolderHoldsExactlyTheThreeDashboardsWithTheirStableUids() throws IOException {
        Map<String, String> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.toList()) {
                found.put(
                        file.getFileName().toString(),
                        GrafanaDashboard.load(file).root().path("uid").asText());
            }
        }
        assertThat(found).isEqualTo(new TreeMap<>(UIDS));
    }

    @Test
    void everyDashboardKeepsTheStaticRules() throws IOException {
        List<String> problems = new ArrayList<>();
        for (GrafanaDashboard dashboard : dashboards()) {
            problems.addAll(DashboardChecks.problems(dashboard));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theJobWroteEveryPatternAndDeadLettersForTheDashboardsToShow() {
        assertThat(values("SHOW TAG VALUES FROM \"alerts\" WITH KEY = \"pattern\""))
                .containsExactly("sensor-silence", "sound-burst", "thermal-drift");
        assertThat(values("SHOW TAG VALUES FROM \"dead_letters\" WITH KEY = \"reason\""))
                .isNotEmpty();
        assertThat(
                        INFLUXDB.query(
                                DB,
                                String.format(
                                        "SELECT \"message\" FROM \"alerts\" WHERE \"pattern\" ="
                                                + " 'sensor-silence' AND \"device\" = '%s' AND"
                                                + " \"site\" = '%s'",
                                        silentMicrophone.device(), silentMicrophone.site())))
                .isNotEmpty();
    }

    @Test
    void everyQueryReturnsRowsForOneDevice() throws IOException {
        Map<String, String> chosen =
                Map.of(
                        "site", silentMicrophone.site(),
                        "device", silentMicrophone.device(),
                        "metric", silentMicrophone.metric());
        assertEveryQueryReturnsRows("one device", chosen, false);
    }

    @Test
    void everyQueryReturnsRowsForTheWholeFleet() throws IOException {
        // Variables without "All" (the device dashboard's site and device) still need one value.
        Map<String, String> chosen =
                Map.of("site", silentMicrophone.site(), "device", silentMicrophone.device());
        assertEveryQueryReturnsRows("whole fleet", chosen, true);
    }

    /**
     * The count-weighted energy average of the window Leqs, as the overview computes it, is the
     * energy average of every reading a device sent: the same Leq as over the raw readings.
     */
    @Test
    void topNoisyDevicesShowsTheLeqOfEveryReadingOfEachDevice() throws IOException {
        Map<String, double[]> energy = new TreeMap<>();
        for (SensorReading r : simulation.readings()) {
            if (r.metric().equals("sound")) {
                double[] sumAndCount =
                        energy.computeIfAbsent(r.site() + "/" + r.device(), k -> new double[2]);
                sumAndCount[0] += Math.pow(10, r.value() / 10);
                sumAndCount[1]++;
            }
        }
        Map<String, Double> expected = new TreeMap<>();
        energy.forEach((device, e) -> expected.put(device, 10 * Math.log10(e[0] / e[1])));

        String query =
                panelQuery("vigil-fleet-overview.json", "Top noisy devices by Leq")
                        .replace("$site", ".*")
                        .replace("$device", ".*");
        Map<String, Double> shown = new TreeMap<>();
        for (Map<String, Object> row :
                INFLUXDB.query(
                        DB,
                        GrafanaTemplate.interpolate(
                                query,
                                Map.of(),
                                spec.startMillis(),
                                spec.endMillis() + MAX_DELIVERY_DELAY_MILLIS,
                                INTERVAL))) {
            shown.put(row.get("site") + "/" + row.get("device"), (Double) row.get("leq"));
        }

        assertThat(shown.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
                (device, leq) ->
                        assertThat(shown.get(device)).as(device).isCloseTo(leq, within(1e-6)));
    }

    @Test
    void reportsQueriesThatFailOrReturnNoRowsOrChooseAMissingValue() {
        GrafanaDashboard broken =
                GrafanaDashboard.parse(
                        "broken.json",
                        """
                        {"templating": {"list": [
                          {"name": "site", "type": "query", "multi": true,
                           "query": "SHOW TAG VALUES FROM \\"sensor_aggregates\\" WITH KEY = \\"site\\""}]},
                         "panels": [
                          {"id": 1, "title": "empty", "targets": [{"refId": "A", "query":
                            "SELECT count(\\"events\\") FROM \\"no_such_measurement\\" WHERE $timeFilter"}]},
                          {"id": 2, "title": "wrong", "targets": [{"refId": "A", "query":
                            "SELECT FROM WHERE"}]},
                          {"id": 3, "title": "fine", "targets": [{"refId": "A", "query":
                            "SELECT count(\\"count\\") FROM \\"sensor_aggregates\\" WHERE \\"site\\" =~ /^$site$/"}]}]}
                        """);
        List<DashboardQueryRunner.Outcome> outcomes =
                runner().run(broken, "broken", Map.of("site", "plant-zz"), false);

        assertThat(outcomes)
                .extracting(o -> o.query().where() + " " + o.ok())
                .containsExactly(
                        "variable site false",
                        "panel 1 'empty' target A false",
                        "panel 2 'wrong' target A false",
                        "panel 3 'fine' target A false");
        assertThat(outcomes.get(0).error()).contains("plant-zz", "is not among");
        assertThat(outcomes.get(1).rows()).isZero();
        assertThat(outcomes.get(1).error()).isNull();
        assertThat(outcomes.get(2).error()).contains("error parsing query");
        assertThat(outcomes.get(3).influxql()).contains("\"site\" =~ /^plant-zz$/");
    }

    private void assertEveryQueryReturnsRows(
            String scenario, Map<String, String> chosen, boolean selectAll) throws IOException {
        List<DashboardQueryRunner.Outcome> outcomes = new ArrayList<>();
        int queries = 0;
        for (GrafanaDashboard dashboard : dashboards()) {
            outcomes.addAll(runner().run(dashboard, scenario, chosen, selectAll));
            queries += dashboard.queries().size();
        }
        System.out.println(
                outcomes.stream().map(Object::toString).collect(Collectors.joining("\n")));
        assertThat(outcomes).as("one outcome for every query of every dashboard").hasSize(queries);
        assertThat(outcomes.stream().filter(o -> !o.ok()).map(Object::toString))
                .as("queries that failed or returned no rows")
                .isEmpty();
    }

    private static DashboardQueryRunner runner() {
        return new DashboardQueryRunner(
                q -> INFLUXDB.query(DB, q),
                spec.startMillis(),
                spec.endMillis() + MAX_DELIVERY_DELAY_MILLIS,
                INTERVAL);
    }

    private static String panelQuery(String file, String title) throws IOException {
        return GrafanaDashboard.load(DASHBOARDS.resolve(file)).panels().stream()
                .filter(p -> p.path("title").asText().equals(title))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No panel '" + title + "' in " + file))
                .path("targets")
                .path(0)
                .path("query")
                .asText();
    }

    private static List<GrafanaDashboard> dashboards() throws IOException {
        List<GrafanaDashboard> dashboards = new ArrayList<>();
        for (String file : new TreeSet<>(UIDS.keySet())) {
            dashboards.add(GrafanaDashboard.load(DASHBOARDS.resolve(file)));
        }
        return dashboards;
    }

    private static List<String> values(String showTagValues) {
        return INFLUXDB.query(DB, showTagValues).stream()
                .map(row -> String.valueOf(row.get("value")))
                .toList();
    }
}
