package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.model.SensorReading;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks what a run of the job left in InfluxDB against the simulator's ground truth: every window
 * aggregate recomputed from the readings sent, and exactly one alert per injected episode (with
 * {@code cep-patterns/patterns/default.yaml}).
 */
public final class GroundTruth {

    private static final Duration AFTER = Duration.ofMinutes(2); // default.yaml's silence

    private GroundTruth() {}

    public static void assertAggregatesMatchTheReadingsSent(
            FleetSimulation simulation, List<Map<String, Object>> rows) {
        Map<String, List<SensorReading>> expected = expectedAggregates(simulation);
        Map<String, Map<String, Object>> actual = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            String id =
                    row.get("site")
                            + "/"
                            + row.get("device")
                            + "/"
                            + row.get("metric")
                            + "@"
                            + ((Number) row.get("time")).longValue();
            assertThat(actual.put(id, row)).as("one point per window: %s", id).isNull();
            assertThat(row.get("window")).isEqualTo("1m");
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, List<SensorReading>> e : expected.entrySet()) {
            List<SensorReading> readings = e.getValue();
            Map<String, Object> row = actual.get(e.getKey());
            int n = readings.size();
            double sum = 0;
            double energy = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            SensorReading last = readings.get(0);
            for (SensorReading r : readings) {
                sum += r.value();
                energy += Math.pow(10, r.value() / 10);
                min = Math.min(min, r.value());
                max = Math.max(max, r.value());
                last = r.timestamp() >= last.timestamp() ? r : last;
            }
            double mean = sum / n;
            double squares = 0;
            for (SensorReading r : readings) {
                squares += (r.value() - mean) * (r.value() - mean);
            }
            assertThat(number(row, "count")).as(e.getKey()).isEqualTo(n);
            assertThat(number(row, "min")).as(e.getKey()).isEqualTo(min);
            assertThat(number(row, "max")).as(e.getKey()).isEqualTo(max);
            assertThat(number(row, "mean")).as(e.getKey()).isCloseTo(mean, within(1e-9));
            assertThat(number(row, "stddev"))
                    .as(e.getKey())
                    .isCloseTo(n < 2 ? 0 : Math.sqrt(squares / (n - 1)), within(1e-9));
            assertThat(number(row, "last")).as(e.getKey()).isEqualTo(last.value());
            if (readings.get(0).metric().equals("sound")) {
                assertThat(number(row, "leq"))
                        .as(e.getKey())
                        .isCloseTo(10 * Math.log10(energy / n), within(1e-9));
            } else {
                assertThat(row.get("leq")).as(e.getKey()).isNull();
            }
        }
    }

    public static void assertAlertsMatchTheEpisodes(
            FleetSimulation simulation, List<Map<String, Object>> rows) {
        List<Episode> episodes = new ArrayList<>(simulation.episodes());
        episodes.removeIf(e -> e.kind() == Episode.Kind.MALFORMED);
        List<Map<String, Object>> unmatched = new ArrayList<>(rows);
        for (Episode episode : episodes) {
            List<Map<String, Object>> matches =
                    unmatched.stream().filter(row -> matches(row, episode)).toList();
            assertThat(matches).as("exactly one alert for %s", episode).hasSize(1);
            unmatched.remove(matches.get(0));
        }
        assertThat(unmatched).as("alerts outside every injected episode").isEmpty();
    }

    private static boolean matches(Map<String, Object> alert, Episode episode) {
        if (!(episode.site().equals(alert.get("site"))
                && episode.device().equals(alert.get("device"))
                && episode.metric().equals(alert.get("metric")))) {
            return false;
        }
        long startedAt = (long) number(alert, "started_at");
        long endedAt = (long) number(alert, "ended_at");
        return switch (episode.kind()) {
            case BURST ->
                    "sound-burst".equals(alert.get("pattern"))
                            && startedAt == episode.startedAt()
                            && endedAt == episode.endedAt()
                            && number(alert, "events") == episode.events()
                            && number(alert, "peak") == episode.peak();
            // The drift alert is the first stretch that rises by min-rise: it ends inside the
            // episode and may start a few noisy ambient readings before it.
            case DRIFT ->
                    "thermal-drift".equals(alert.get("pattern"))
                            && endedAt >= episode.startedAt()
                            && endedAt <= episode.endedAt()
                            && startedAt >= episode.startedAt() - Duration.ofMinutes(1).toMillis();
            case SILENCE ->
                    "sensor-silence".equals(alert.get("pattern"))
                            && startedAt == episode.startedAt()
                            && endedAt == episode.startedAt() + AFTER.toMillis();
            case MALFORMED -> false;
        };
    }

    public static Map<String, List<SensorReading>> expectedAggregates(FleetSimulation simulation) {
        Map<String, List<SensorReading>> byWindow = new TreeMap<>();
        for (SensorReading r : simulation.readings()) {
            long start = r.timestamp() - Math.floorMod(r.timestamp(), 60_000L);
            byWindow.computeIfAbsent(r.key() + "@" + start, k -> new ArrayList<>()).add(r);
        }
        byWindow.values()
                .forEach(rs -> rs.sort(Comparator.comparingLong(SensorReading::timestamp)));
        return byWindow;
    }

    public static double number(Map<String, Object> row, String column) {
        Object value = row.get(column);
        assertThat(value).as("%s in %s", column, row).isInstanceOf(Number.class);
        return ((Number) value).doubleValue();
    }
}
