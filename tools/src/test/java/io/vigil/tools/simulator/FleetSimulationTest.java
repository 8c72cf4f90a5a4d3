package io.vigil.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.model.SensorReading;
import io.vigil.tools.simulator.Episode.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the generated fleet against the pattern semantics of docs/architecture.md with
 * independent, brute-force implementations of the rules, and the malformed messages with an
 * independent reader.
 */
class FleetSimulationTest {

    private static final double BURST_THRESHOLD = 85.0;
    private static final Duration BURST_WITHIN = Duration.ofSeconds(10);
    private static final int DRIFT_MIN_EVENTS = 5;
    private static final Duration DRIFT_WITHIN = Duration.ofMinutes(10);
    private static final double DRIFT_TOLERANCE = 0.2;
    private static final double DRIFT_MIN_RISE = 3.0;
    private static final Duration SILENCE_AFTER = Duration.ofMinutes(2);
    private static final long MAX_PAYLOAD_BYTES = 64 * 1024;
    private static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(10);

    private static final ObjectMapper LENIENT_NUMBERS =
            JsonMapper.builder(
                            JsonFactory.builder()
                                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                                    .build())
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private static SimulationSpec.Builder fleet(long seed) {
        return SimulationSpec.builder()
                .setSites(2)
                .setDevicesPerSite(10)
                .setDuration(Duration.ofMinutes(20))
                .setSeed(seed)
                .setBursts(8)
                .setDrifts(4)
                .setSilences(3)
                .setMalformedShare(0.02);
    }

    /** Simulations are immutable: the seed-parameterized checks share one per seed. */
    private static final Map<Long, FleetSimulation> GENERATED = new ConcurrentHashMap<>();

    private static FleetSimulation generated(long seed) {
        return GENERATED.computeIfAbsent(seed, s -> FleetSimulation.generate(fleet(s).build()));
    }

    @Test
    void sameSeedGivesTheSameBytesAndEpisodes() {
        FleetSimulation first = FleetSimulation.generate(fleet(7).build());
        FleetSimulation second = FleetSimulation.generate(fleet(7).build());

        assertThat(second.messages()).isEqualTo(first.messages());
        for (int i = 0; i < first.messages().size(); i++) {
            assertThat(second.messages().get(i).payload())
                    .isEqualTo(first.messages().get(i).payload());
        }
        assertThat(second.episodes()).isEqualTo(first.episodes());
        assertThat(second.readings()).isEqualTo(first.readings());
    }

    @Test
    void anotherSeedGivesAnotherFleet() {
        FleetSimulation first = FleetSimulation.generate(fleet(7).build());
        FleetSimulation other = FleetSimulation.generate(fleet(8).build());

        assertThat(other.readings()).isNotEqualTo(first.readings());
        assertThat(other.episodes()).isNotEqualTo(first.episodes());
    }

    @Test
    void injectsTheEpisodesAskedFor() {
        FleetSimulation simulation = FleetSimulation.generate(fleet(3).build());

        long valid = simulation.messages().stream().filter(m -> !m.isMalformed()).count();
        long malformed =
                simulation.messages().stream().filter(SimulatedMessage::isMalformed).count();
        assertThat(simulation.episodes(Kind.BURST)).hasSize(8);
        assertThat(simulation.episodes(Kind.DRIFT)).hasSize(4);
        assertThat(simulation.episodes(Kind.SILENCE)).hasSize(3);
        assertThat(malformed).isEqualTo(Math.round(0.02 * valid)).isPositive();
        assertThat(simulation.episodes(Kind.MALFORMED)).hasSize((int) malformed);
        assertThat(simulation.episodes(Kind.BURST)).allMatch(e -> e.metric().equals("sound"));
        assertThat(simulation.episodes(Kind.DRIFT)).allMatch(e -> e.metric().equals("temperature"));
        // Episodes spread over the fleet rather than piling on one device.
        assertThat(simulation.episodes(Kind.BURST).stream().map(Episode::key).distinct().count())
                .isGreaterThan(1);
    }

    @Test
    void namesDevicesSitesAndTopicsAsTheContractSays() {
        FleetSimulation simulation = FleetSimulation.generate(fleet(3).build());

        Set<String> keys =
                simulation.readings().stream()
                        .map(SensorReading::key)
                        .collect(Collectors.toCollection(HashSet::new));
        assertThat(keys)
                .hasSize(20)
                .contains(
                        "plant-a/mic-01/sound",
                        "plant-a/pump-01/temperature",
                        "plant-b/mic-05/sound",
                        "plant-b/pump-05/temperature");
        assertThat(simulation.readings())
                .allMatch(r -> r.unit().equals(r.metric().equals("sound") ? "dB" : "C"));
        assertThat(simulation.messages())
                .filteredOn(m -> !m.isMalformed())
                .allMatch(
                        m ->
                                m.topic()
                                        .equals(
                                                "sensors/"
                                                        + m.readings().get(0).site()
                                                        + '/'
                                                        + m.readings().get(0).device()
                                                        + '/'
                                                        + m.readings().get(0).metric()));
        assertThat(FleetSimulation.siteName(0)).isEqualTo("plant-a");
        assertThat(FleetSimulation.siteName(25)).isEqualTo("plant-z");
        assertThat(FleetSimulation.siteName(26)).isEqualTo("plant-aa");
    }

    @Test
    void publishesInEventTimeOrderWithinTheSpan() {
        SimulationSpec spec = fleet(5).build();
        FleetSimulation simulation = FleetSimulation.generate(spec);

        List<SimulatedMessage> messages = simulation.messages();
        for (int i = 1; i < messages.size(); i++) {
            assertThat(messages.get(i).eventTime())
                    .isGreaterThanOrEqualTo(messages.get(i - 1).eventTime());
        }
        assertThat(simulation.readings())
                .allMatch(
                        r ->
                                r.timestamp() >= spec.startMillis()
                                        && r.timestamp() < spec.endMillis());
        List<SensorReading> carried = new ArrayList<>();
        messages.forEach(m -> carried.addAll(m.readings()));
        assertThat(simulation.readings()).containsExactlyInAnyOrderElementsOf(carried);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void burstReadingsAreLoudAndSurroundedByAmbientReadings(long seed) {
        FleetSimulation simulation = generated(seed);
        Map<String, List<SensorReading>> byKey = byKey(simulation);

        for (Episode burst : simulation.episodes(Kind.BURST)) {
            List<SensorReading> readings = byKey.get(burst.key());
            List<SensorReading> inside = between(readings, burst.startedAt(), burst.endedAt());
            assertThat(inside).hasSize(burst.events());
            assertThat(burst.events()).isBetween(3, 6);
            assertThat(inside).allMatch(r -> r.value() > BURST_THRESHOLD);
            assertThat(inside.stream().mapToDouble(SensorReading::value).max().orElseThrow())
                    .isEqualTo(burst.peak());
            assertThat(burst.endedAt() - burst.startedAt())
                    .isLessThanOrEqualTo(BURST_WITHIN.toMillis());
            int first = readings.indexOf(inside.get(0));
            int last = readings.indexOf(inside.get(inside.size() - 1));
            assertThat(first).isPositive();
            assertThat(last).isLessThan(readings.size() - 1);
            assertThat(readings.get(first - 1).value()).isLessThanOrEqualTo(BURST_THRESHOLD);
            assertThat(readings.get(last + 1).value()).isLessThanOrEqualTo(BURST_THRESHOLD);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void ambientSoundStaysBetween45And70Decibels(long seed) {
        FleetSimulation simulation = generated(seed);
        List<Episode> bursts = simulation.episodes(Kind.BURST);

        List<SensorReading> ambient =
                simulation.readings().stream()
                        .filter(r -> r.metric().equals("sound"))
                        .filter(r -> bursts.stream().noneMatch(b -> covers(b, r)))
                        .toList();
        assertThat(ambient).isNotEmpty().allMatch(r -> r.value() >= 45.0 && r.value() <= 70.0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void burstsOnOneKeyAreMoreThanAMinuteApart(long seed) {
        FleetSimulation simulation = FleetSimulation.generate(fleet(seed).setBursts(20).build());

        Map<String, List<Episode>> byKey =
                simulation.episodes(Kind.BURST).stream()
                        .collect(Collectors.groupingBy(Episode::key));
        for (List<Episode> bursts : byKey.values()) {
            for (int i = 1; i < bursts.size(); i++) {
                assertThat(bursts.get(i).startedAt() - bursts.get(i - 1).endedAt())
                        .isGreaterThan(Duration.ofMinutes(1).toMillis());
            }
        }
        assertThat(byKey.values()).anyMatch(bursts -> bursts.size() > 1);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void everyDriftRunOverlapsADriftEpisodeAndEveryEpisodeIsADriftRun(long seed) {
        FleetSimulation simulation = generated(seed);
        List<Episode> drifts = simulation.episodes(Kind.DRIFT);

        byKey(simulation).entrySet().stream()
                .filter(e -> e.getKey().endsWith("/temperature"))
                .forEach(
                        e -> {
                            for (long[] run : driftRuns(e.getValue())) {
                                assertThat(drifts)
                                        .as("a drift run %d..%d on %s", run[0], run[1], e.getKey())
                                        .anyMatch(
                                                d ->
                                                        d.key().equals(e.getKey())
                                                                && run[0] <= d.endedAt()
                                                                && d.startedAt() <= run[1]);
                            }
                        });
        Map<String, List<SensorReading>> byKey = byKey(simulation);
        for (Episode drift : drifts) {
            List<SensorReading> inside =
                    between(byKey.get(drift.key()), drift.startedAt(), drift.endedAt());
            assertThat(inside).hasSize(drift.events());
            assertThat(isDriftRun(inside)).as("episode %s is a drift run", drift).isTrue();
            double rise = inside.get(inside.size() - 1).value() - inside.get(0).value();
            // Below twice the minimum rise: a detector cannot find two drifts in one episode.
            assertThat(rise).isBetween(3.3, 5.2);
            assertThat(inside.stream().mapToDouble(SensorReading::value).max().orElseThrow())
                    .isEqualTo(drift.peak());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void silencesAreTheOnlyGapsLongerThanTwoMinutes(long seed) {
        FleetSimulation simulation = generated(seed);

        Set<List<Object>> gaps = new HashSet<>();
        byKey(simulation)
                .forEach(
                        (key, readings) -> {
                            for (int i = 1; i < readings.size(); i++) {
                                long before = readings.get(i - 1).timestamp();
                                long after = readings.get(i).timestamp();
                                if (after - before > SILENCE_AFTER.toMillis()) {
                                    gaps.add(List.of(key, before, after));
                                }
                            }
                        });
        Set<List<Object>> silences =
                simulation.episodes(Kind.SILENCE).stream()
                        .map(e -> List.<Object>of(e.key(), e.startedAt(), e.endedAt()))
                        .collect(Collectors.toSet());
        assertThat(gaps).isEqualTo(silences).hasSize(3);
        assertThat(simulation.episodes(Kind.SILENCE))
                .allMatch(e -> e.endedAt() - e.startedAt() > 150_000);
    }

    @Test
    void everyMessageReadsAsItsReadingsOrAsItsExpectedDeadLetter() throws IOException {
        FleetSimulation simulation = FleetSimulation.generate(fleet(11).build());
        long arrival = Instant.now().toEpochMilli();

        for (SimulatedMessage message : simulation.messages()) {
            Read read = read(message.topic(), message.payload(), arrival);
            if (message.isMalformed()) {
                assertThat(read.reason()).as("%s", message).isEqualTo(message.expectedReason());
            } else {
                assertThat(read.reason()).as("%s", message).isNull();
                assertThat(read.readings()).as("%s", message).isEqualTo(message.readings());
            }
        }
        assertThat(
                        simulation.messages().stream()
                                .map(SimulatedMessage::expectedReason)
                                .filter(r -> r != null)
                                .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "malformed-json",
                        "missing-value",
                        "non-numeric-value",
                        "non-finite-value",
                        "bad-timestamp",
                        "future-timestamp",
                        "bad-topic",
                        "too-large",
                        "empty");
    }

    @Test
    void labelsEachMalformedMessageWithItsTopicTimeAndReason() {
        FleetSimulation simulation = FleetSimulation.generate(fleet(11).build());

        List<List<Object>> messages =
                simulation.messages().stream()
                        .filter(SimulatedMessage::isMalformed)
                        .map(m -> List.<Object>of(m.topic(), m.eventTime(), m.expectedReason()))
                        .toList();
        List<List<Object>> labels =
                simulation.episodes(Kind.MALFORMED).stream()
                        .map(e -> List.<Object>of(e.topic(), e.startedAt(), e.reason()))
                        .toList();
        assertThat(labels).containsExactlyInAnyOrderElementsOf(messages);
    }

    @Test
    void mixesPayloadFormsOnlyWhenAsked() {
        FleetSimulation mixed = FleetSimulation.generate(fleet(4).setMalformedShare(0).build());
        FleetSimulation plain =
                FleetSimulation.generate(
                        fleet(4).setMalformedShare(0).setMixedPayloads(false).build());

        assertThat(mixed.messages()).anyMatch(m -> m.readings().size() == 3);
        assertThat(mixed.messages()).anyMatch(m -> m.payloadText().startsWith("[{\"bt\":"));
        assertThat(mixed.messages()).anyMatch(m -> m.payloadText().contains("\"ts\":\"20"));
        assertThat(plain.messages())
                .allMatch(m -> m.payloadText().startsWith("{\"ts\":1") && m.readings().size() == 1);
        // The payload form does not change the readings.
        assertThat(plain.readings()).isEqualTo(mixed.readings());
    }

    @Test
    void rejectsEpisodesThatDoNotFitTheFleet() {
        SimulationSpec onlyMicrophones =
                fleet(1).setSites(1)
                        .setDevicesPerSite(1)
                        .setSilences(0)
                        .setBursts(0)
                        .setDrifts(1)
                        .build();
        SimulationSpec tooShort =
                fleet(1).setDuration(Duration.ofMinutes(2)).setSilences(1).build();

        assertThatThrownBy(() -> FleetSimulation.generate(onlyMicrophones))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot place 1 drifts on 0 pump devices");
        assertThatThrownBy(() -> FleetSimulation.generate(tooShort))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("silences")
                .hasMessageContaining("longer duration");
    }

    @Test
    void rejectsSpecsThatBreakThePatternAssumptions() {
        assertThatThrownBy(() -> fleet(1).setSoundPeriod(Duration.ofSeconds(3)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("soundPeriod")
                .hasMessageContaining("must be between 100ms and 2s, was 3s");
        assertThatThrownBy(() -> fleet(1).setTemperaturePeriod(Duration.ofMinutes(1)).build())
                .hasMessageContaining("temperaturePeriod");
        assertThatThrownBy(() -> fleet(1).setBursts(-1).build())
                .hasMessageContaining("bursts must not be negative, was -1");
        assertThatThrownBy(() -> fleet(1).setMalformedShare(0.9).build())
                .hasMessageContaining("malformedShare");
        assertThatThrownBy(() -> fleet(1).setDuration(Duration.ZERO).build())
                .hasMessageContaining("duration must be positive");
        assertThatThrownBy(() -> fleet(1).setSites(0).build()).hasMessageContaining("sites");
        assertThatThrownBy(() -> fleet(1).setDevicesPerSite(0).build())
                .hasMessageContaining("devicesPerSite");
    }

    @Test
    void movingTheStartMovesEveryTimeAndNothingElse() {
        SimulationSpec spec = fleet(9).setMalformedShare(0).build();
        FleetSimulation original = FleetSimulation.generate(spec);
        FleetSimulation moved =
                FleetSimulation.generate(spec.withStartMillis(spec.startMillis() + 60_000));

        assertThat(moved.readings())
                .extracting(SensorReading::timestamp)
                .isEqualTo(original.readings().stream().map(r -> r.timestamp() + 60_000).toList());
        assertThat(moved.readings())
                .extracting(SensorReading::value)
                .isEqualTo(original.readings().stream().map(SensorReading::value).toList());
    }

    // ---- independent implementations of the rules ----

    private static Map<String, List<SensorReading>> byKey(FleetSimulation simulation) {
        return simulation.readings().stream().collect(Collectors.groupingBy(SensorReading::key));
    }

    private static List<SensorReading> between(List<SensorReading> readings, long from, long to) {
        return readings.stream().filter(r -> r.timestamp() >= from && r.timestamp() <= to).toList();
    }

    private static boolean covers(Episode episode, SensorReading reading) {
        return episode.key().equals(reading.key())
                && reading.timestamp() >= episode.startedAt()
                && reading.timestamp() <= episode.endedAt();
    }

    /** Every [first, last] time span of readings that satisfies the drift rule. */
    private static List<long[]> driftRuns(List<SensorReading> readings) {
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            for (int j = i + 1; j < readings.size(); j++) {
                SensorReading first = readings.get(i);
                SensorReading last = readings.get(j);
                if (last.timestamp() - first.timestamp() > DRIFT_WITHIN.toMillis()
                        || last.value() < readings.get(j - 1).value() - DRIFT_TOLERANCE) {
                    break;
                }
                if (j - i + 1 >= DRIFT_MIN_EVENTS
                        && last.value() - first.value() >= DRIFT_MIN_RISE) {
                    runs.add(new long[] {first.timestamp(), last.timestamp()});
                }
            }
        }
        return runs;
    }

    private static boolean isDriftRun(List<SensorReading> run) {
        for (int j = 1; j < run.size(); j++) {
            if (run.get(j).value() <= run.get(j - 1).value()) {
                return false;
            }
        }
        return run.size() >= DRIFT_MIN_EVENTS
                && run.get(run.size() - 1).timestamp() - run.get(0).timestamp()
                        <= DRIFT_WITHIN.toMillis()
                && run.get(run.size() - 1).value() - run.get(0).value() >= DRIFT_MIN_RISE;
    }

    /** The readings of a message, or the dead-letter reason; reason null means valid. */
    private record Read(List<SensorReading> readings, String reason) {
        static Read dead(String reason) {
            return new Read(List.of(), reason);
        }
    }

    /**
     * A small reader of the payload contract (docs/architecture.md), written apart from the
     * generator.
     */
    private static Read read(String topic, byte[] payload, long arrival) throws IOException {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return Read.dead("too-large");
        }
        String[] levels = topic.split("/", -1);
        if (levels.length != 4 || !levels[0].equals("sensors")) {
            return Read.dead("bad-topic");
        }
        if (new String(payload, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return Read.dead("empty");
        }
        JsonNode root;
        try {
            root = LENIENT_NUMBERS.readTree(payload);
        } catch (IOException e) {
            return Read.dead("malformed-json");
        }
        List<JsonNode> records = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(records::add);
        } else {
            records.add(root);
        }
        List<SensorReading> readings = new ArrayList<>();
        for (JsonNode record : records) {
            boolean senml = record.has("v");
            JsonNode value = record.get(senml ? "v" : "value");
            if (value == null || value.isNull()) {
                return Read.dead("missing-value");
            }
            if (!value.isNumber()) {
                return Read.dead("non-numeric-value");
            }
            if (!Double.isFinite(value.doubleValue())) {
                return Read.dead("non-finite-value");
            }
            long ts;
            if (senml) {
                ts =
                        record.get("bt")
                                .decimalValue()
                                .multiply(BigDecimal.valueOf(1000))
                                .longValueExact();
            } else {
                JsonNode time = record.get("ts");
                if (time.isIntegralNumber() && time.longValue() >= 0) {
                    ts = time.longValue();
                } else if (time.isTextual()) {
                    try {
                        ts = Instant.parse(time.textValue()).toEpochMilli();
                    } catch (DateTimeParseException e) {
                        return Read.dead("bad-timestamp");
                    }
                } else {
                    return Read.dead("bad-timestamp");
                }
            }
            if (ts > arrival + MAX_FUTURE_SKEW.toMillis()) {
                return Read.dead("future-timestamp");
            }
            JsonNode unit = record.get(senml ? "bu" : "unit");
            readings.add(
                    new SensorReading(
                            levels[1],
                            levels[2],
                            levels[3],
                            ts,
                            value.doubleValue(),
                            unit == null ? null : unit.textValue()));
        }
        return new Read(readings, null);
    }
}
