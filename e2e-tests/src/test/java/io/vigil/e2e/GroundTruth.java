package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.job.InfluxPoints;
import io.vigil.model.Alert;
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
 * aggregate recomputed from the readings sent, exactly one alert per injected episode (with {@code
 * cep-patterns/patterns/default.yaml}, and {@code examples/fleet-all-types.yaml} for the episodes
 * of tanks, lines, motors and presses) and when each of them resolved. Alerts collected from the
 * pipeline are checked the same way as the rows InfluxDB would hold ({@link #row}).
 */
public final class GroundTruth {

    private static final Duration AFTER = Duration.ofMinutes(2); // default.yaml's silence

    private GroundTruth() {}

    public static void assertAggregatesMatchTheReadingsSent(
            FleetSimulation simulation, List<Map<String, Object>> rows) {
        Map<String, List<SensorReading>> expected = expectedAggregates(simulation);
        Map<String, Map<String, Object>> actual = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            String id = windowId(row);
            assertThat(actual.put(id, row)).as("one point per window: %s", id).isNull();
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, List<SensorReading>> e : expected.entrySet()) {
            assertThat(differences(e.getValue(), actual.get(e.getKey()))).as(e.getKey()).isEmpty();
        }
    }

    /**
     * The window of an aggregate row as {@link #expectedAggregates} names it: {@code
     * site/device/metric@start}.
     */
    public static String windowId(Map<String, Object> row) {
        return row.get("site")
                + "/"
                + row.get("device")
                + "/"
                + row.get("metric")
                + "@"
                + ((Number) row.get("time")).longValue();
    }

    /**
     * How an aggregate row differs from the window of these readings (sorted by time), one entry
     * per wrong column ({@code "count 7, expected 8"}); empty when the row is right. Means,
     * standard deviations and {@code leq} may differ in their last bits (sums in arrival order).
     */
    public static List<String> differences(List<SensorReading> readings, Map<String, Object> row) {
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
        List<String> differences = new ArrayList<>();
        if (!"1m".equals(row.get("window"))) {
            differences.add("window " + row.get("window") + ", expected 1m");
        }
        exact(differences, row, "count", n);
        exact(differences, row, "min", min);
        exact(differences, row, "max", max);
        close(differences, row, "mean", mean);
        close(differences, row, "stddev", n < 2 ? 0 : Math.sqrt(squares / (n - 1)));
        exact(differences, row, "last", last.value());
        if (readings.get(0).metric().equals("sound")) {
            close(differences, row, "leq", 10 * Math.log10(energy / n));
        } else if (row.get("leq") != null) {
            differences.add("leq " + row.get("leq") + ", expected none");
        }
        return differences;
    }

    private static void exact(
            List<String> differences, Map<String, Object> row, String column, double expected) {
        Object value = row.get(column);
        if (!(value instanceof Number) || ((Number) value).doubleValue() != expected) {
            differences.add(column + " " + value + ", expected " + expected);
        }
    }

    private static void close(
            List<String> differences, Map<String, Object> row, String column, double expected) {
        Object value = row.get(column);
        if (!(value instanceof Number)
                || Math.abs(((Number) value).doubleValue() - expected) > 1e-9) {
            differences.add(column + " " + value + ", expected " + expected);
        }
    }

    /** The rows of firing events among the rows of the {@code alerts} measurement. */
    public static List<Map<String, Object>> firing(List<Map<String, Object>> alertRows) {
        return alertRows.stream().filter(row -> "firing".equals(row.get("state"))).toList();
    }

    /**
     * Every alert of an episode resolved exactly once, at the reading the ground truth says ({@link
     * Episode#resolvesAt()}: a burst at its first reading at or below the threshold, a drift at its
     * first reading that falls, a silence at the reading that ended the gap, ...), with {@code
     * duration_ms} = {@code ended_at - started_at}; no resolved event is left over. This holds when
     * the fleet's keys keep sending after their episodes: every episode ends at least 30 s before
     * the simulation does, so no alert is left firing.
     *
     * @param alertRows every row of the {@code alerts} measurement, firing and resolved
     */
    public static void assertEveryAlertResolvedAfterItsEpisode(
            FleetSimulation simulation, List<Map<String, Object>> alertRows) {
        List<Map<String, Object>> firing = firing(alertRows);
        List<Map<String, Object>> resolved =
                new ArrayList<>(
                        alertRows.stream()
                                .filter(row -> "resolved".equals(row.get("state")))
                                .toList());
        assertThat(resolved.size() + firing.size()).isEqualTo(alertRows.size());
        for (Episode episode : simulation.episodes()) {
            if (episode.kind() == Episode.Kind.MALFORMED) {
                continue;
            }
            Map<String, Object> fired =
                    firing.stream().filter(row -> matches(row, episode)).findFirst().orElseThrow();
            Object id = fired.get("alert_id");
            List<Map<String, Object>> ends =
                    resolved.stream().filter(row -> id.equals(row.get("alert_id"))).toList();
            assertThat(ends).as("one resolved event for %s", episode).hasSize(1);
            Map<String, Object> end = ends.get(0);
            resolved.remove(end);
            long resolvedAt = episode.resolvesAt();
            long startedAt = (long) number(fired, "started_at");
            for (String tag : List.of("site", "device", "metric", "pattern", "severity")) {
                assertThat(end.get(tag)).as("%s of %s", tag, end).isEqualTo(fired.get(tag));
            }
            assertThat(number(end, "started_at")).as("%s", end).isEqualTo(startedAt);
            assertThat(number(end, "ended_at")).as("%s", end).isEqualTo(resolvedAt);
            assertThat(number(end, "time")).as("%s", end).isEqualTo(resolvedAt);
            assertThat(number(end, "firing")).as("%s", end).isZero();
            assertThat(number(end, "duration_ms"))
                    .as("%s", end)
                    .isEqualTo(resolvedAt - startedAt)
                    .isPositive();
            assertThat(number(fired, "firing")).as("%s", fired).isEqualTo(1);
            assertThat(fired.get("duration_ms")).as("%s", fired).isNull();
        }
        assertThat(resolved).as("resolved events without an episode's alert").isEmpty();
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

    /**
     * Whether an alert row is the one the episode must give: of its kind's pattern, for its key;
     * burst, silence and the episodes of {@code fleet-all-types.yaml} to the millisecond (with
     * their events and peak; a stuck sensor's alert fires at the stretch's {@code min-events}-th
     * reading, which an override may change, so its end and events are left to the caller), a drift
     * alert ending inside its episode.
     */
    public static boolean matches(Map<String, Object> alert, Episode episode) {
        if (!(episode.site().equals(alert.get("site"))
                && episode.device().equals(alert.get("device"))
                && episode.metric().equals(alert.get("metric"))
                && episode.kind().pattern() != null
                && episode.kind().pattern().equals(alert.get("pattern")))) {
            return false;
        }
        long startedAt = (long) number(alert, "started_at");
        long endedAt = (long) number(alert, "ended_at");
        return switch (episode.kind()) {
            case BURST, LOW, LEAK, RATE, SEQUENCE ->
                    startedAt == episode.startedAt()
                            && endedAt == episode.endedAt()
                            && number(alert, "events") == episode.events()
                            && number(alert, "peak") == episode.peak();
            case FLATLINE ->
                    startedAt == episode.startedAt() && number(alert, "peak") == episode.peak();
            // The drift alert is the first stretch that rises by min-rise: it ends inside the
            // episode and may start a few noisy ambient readings before it.
            case DRIFT ->
                    endedAt >= episode.startedAt()
                            && endedAt <= episode.endedAt()
                            && startedAt >= episode.startedAt() - Duration.ofMinutes(1).toMillis();
            case SILENCE ->
                    startedAt == episode.startedAt()
                            && endedAt == episode.startedAt() + AFTER.toMillis();
            case MALFORMED -> false;
        };
    }

    /**
     * The row of the {@code alerts} measurement that the job writes for an alert event ({@link
     * InfluxPoints#alert}): its tags, its fields and {@code time}.
     */
    public static Map<String, Object> row(Alert alert) {
        InfluxDbPoint point = InfluxPoints.alert(alert);
        Map<String, Object> row = new TreeMap<>(point.fields());
        row.putAll(point.tags());
        row.put("time", point.timestampMillis());
        return row;
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
