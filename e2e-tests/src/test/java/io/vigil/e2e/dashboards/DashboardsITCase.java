package io.vigil.e2e.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.live.PatternFileWatcher;
import io.vigil.cep.live.PatternSetUpdate;
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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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

    /**
     * The silent microphone stops for good this long before the end of the fleet: longer than the
     * silence pattern's 2 minutes, so that its silence alert fires and is never resolved.
     */
    private static final Duration DEAD_FOR = Duration.ofMinutes(4);

    /** About how long the job takes to read the fleet: watermarks must move while it runs. */
    private static final Duration READ_FOR = Duration.ofSeconds(10);

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @TempDir static Path tmp;

    private static FleetSimulation simulation;
    private static SimulationSpec spec;
    private static Episode silentMicrophone;
    private static List<SimulatedMessage> sent;

    /**
     * Simulates ten minutes of a fleet that end a minute before now (so that the queries relative
     * to now, such as "silent in the last 30 minutes", see them too), on a seed where a microphone
     * has both a burst and a silence, and writes what the job makes of it to InfluxDB. That
     * microphone dies {@link #DEAD_FOR} before the end, after its episodes: its last silence still
     * fires at the end. While the job reads, the pattern files change twice: saved again with a
     * comment (accepted, the same patterns) and broken (rejected).
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
            silentMicrophone = silentMicrophoneWithABurst(simulation, deathOf(simulation));
        }
        assertThat(silentMicrophone).as("a seed with a silent microphone that bursts").isNotNull();
        spec = simulation.spec();

        long death = deathOf(simulation);
        String deadTopic = silentMicrophone.topic();
        sent =
                simulation.messages().stream()
                        .filter(m -> !(m.topic().equals(deadTopic) && m.eventTime() >= death))
                        .toList();
        SplittableRandom delays = new SplittableRandom(spec.seed());
        List<RawMessage> messages = new ArrayList<>();
        for (SimulatedMessage m : sent) {
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
                        .apply(
                                readSlowly(env, messages),
                                patternFileChanges(env),
                                PatternConfigLoader.fingerprint(List.of(PATTERNS)));
        sink(out.aggregates(), InfluxPoints::aggregate, "aggregates");
        sink(out.alerts(), InfluxPoints::alert, "alerts");
        sink(
                out.deadLetters().map(new DeadLetterStamper()).name("Stamp dead letters"),
                InfluxPoints::deadLetter,
                "dead letters");
        sink(out.patternChanges(), InfluxPoints::patternChange, "pattern changes");
        env.execute("Dashboards data");
    }

    /**
     * The messages in order, from one subtask, over about {@link #READ_FOR}: event time moves with
     * the periodic watermarks while they are read, as in a live job. Read all at once, a bounded
     * input's only watermark would be the final one, which ends the data and fires no silence.
     */
    private static DataStream<RawMessage> readSlowly(
            StreamExecutionEnvironment env, List<RawMessage> messages) {
        DataGeneratorSource<RawMessage> source =
                new DataGeneratorSource<>(
                        new InOrder(messages),
                        messages.size(),
                        RateLimiterStrategy.perSecond(
                                Math.max(1.0, messages.size() / (double) READ_FOR.toSeconds())),
                        TypeInformation.of(RawMessage.class));
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Fleet").setParallelism(1);
    }

    /** The {@code index}-th message; its fields in arrays, which serialize (a message does not). */
    private static final class InOrder implements GeneratorFunction<Long, RawMessage> {

        private static final long serialVersionUID = 1L;

        private final String[] topics;
        private final byte[][] payloads;
        private final long[] arrivals;

        InOrder(List<RawMessage> messages) {
            topics = messages.stream().map(RawMessage::topic).toArray(String[]::new);
            payloads = messages.stream().map(RawMessage::payload).toArray(byte[][]::new);
            arrivals = messages.stream().mapToLong(RawMessage::arrivalTime).toArray();
        }

        @Override
        public RawMessage map(Long index) {
            int i = index.intValue();
            return new RawMessage(topics[i], payloads[i], arrivals[i]);
        }
    }

    /** The default patterns saved again with a comment (accepted), then broken (rejected). */
    private static DataStream<PatternSetUpdate> patternFileChanges(StreamExecutionEnvironment env)
            throws Exception {
        String patterns = Files.readString(PATTERNS);
        Path same = Files.writeString(tmp.resolve("same.yaml"), patterns + "# saved again\n");
        Path broken =
                Files.writeString(
                        tmp.resolve("broken.yaml"), patterns.replace("threshold:", "treshold:"));
        List<PatternSetUpdate> updates = new ArrayList<>();
        for (Path file : List.of(same, broken)) {
            updates.add(new PatternFileWatcher(List.of(file.toString())).read());
        }
        return env.fromData(updates, TypeInformation.of(PatternSetUpdate.class)).setParallelism(1);
    }

    /** When the silent microphone stops for good. */
    private static long deathOf(FleetSimulation simulation) {
        return simulation.spec().endMillis() - DEAD_FOR.toMillis();
    }

    /**
     * A silence of a microphone that also has a burst, all of whose episodes are over (with the
     * reading that resolves each) well before {@code death}.
     */
    private static Episode silentMicrophoneWithABurst(FleetSimulation simulation, long death) {
        for (Episode silence : simulation.episodes(Episode.Kind.SILENCE)) {
            List<Episode> own =
                    simulation.episodes().stream()
                            .filter(e -> e.kind() != Episode.Kind.MALFORMED)
                            .filter(e -> e.key().equals(silence.key()))
                            .toList();
            boolean bursts = own.stream().anyMatch(e -> e.kind() == Episode.Kind.BURST);
            boolean overBeforeDeath =
                    own.stream()
                            .allMatch(e -> e.endedAt() < death - Duration.ofMinutes(1).toMillis());
            if (bursts && overBeforeDeath) {
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
        for (SensorReading r : sent.stream().flatMap(m -> m.readings().stream()).toList()) {
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
        for (Map<String, Object> row : INFLUXDB.query(DB, allOf(query))) {
            shown.put(row.get("site") + "/" + row.get("device"), (Double) row.get("leq"));
        }

        assertThat(shown.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
                (device, leq) ->
                        assertThat(shown.get(device)).as(device).isCloseTo(leq, within(1e-6)));
    }

    /**
     * Every episode's alert resolved with its reading after the episode; only the silence of the
     * microphone that died is firing at the end, in both dashboards that show it.
     */
    @Test
    void alertsFiringNowShowOnlyTheSilenceOfTheMicrophoneThatDied() throws IOException {
        for (String file : List.of("vigil-fleet-overview.json", "vigil-device.json")) {
            assertThat(INFLUXDB.query(DB, allOf(panelQuery(file, "Alerts firing now"))))
                    .as(file)
                    .extracting(
                            row -> row.get("pattern"),
                            row -> row.get("site"),
                            row -> row.get("device"),
                            row -> row.get("metric"))
                    .containsExactly(
                            tuple(
                                    "sensor-silence",
                                    silentMicrophone.site(),
                                    silentMicrophone.device(),
                                    silentMicrophone.metric()));
        }
        assertThat(
                        INFLUXDB.count(
                                DB,
                                "SELECT count(duration_ms) FROM alerts WHERE state = 'resolved'"))
                .as("a resolved event for every other alert")
                .isEqualTo(
                        INFLUXDB.count(DB, "SELECT count(peak) FROM alerts WHERE state = 'firing'")
                                - 1);
    }

    /** The two changes of the pattern files, in the order they were taken. */
    @Test
    void patternChangesShowTheAcceptedAndTheRejectedChange() throws IOException {
        assertThat(
                        INFLUXDB.query(
                                DB,
                                allOf(panelQuery("vigil-pipeline-health.json", "Pattern changes"))))
                .extracting(
                        row -> row.get("outcome"), row -> ((Number) row.get("version")).longValue())
                .containsExactly(tuple("rejected", 1L), tuple("accepted", 1L));
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
                q -> INFLUXDB.query(DB, q), spec.startMillis(), now(), INTERVAL);
    }

    /**
     * The end of the dashboard time range, as Grafana's default "to now": after the fleet (which
     * ends a minute before the test starts) and the pattern changes (at the wall-clock time the job
     * took them).
     */
    private static long now() {
        return System.currentTimeMillis();
    }

    /** A panel query with every site and device selected, over the whole time range. */
    private static String allOf(String query) {
        return GrafanaTemplate.interpolate(
                query.replace("$site", ".*").replace("$device", ".*"),
                Map.of(),
                spec.startMillis(),
                now(),
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
