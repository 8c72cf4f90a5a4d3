package io.vigil.e2e.campaign;

import io.vigil.e2e.GroundTruth;
import io.vigil.model.SensorReading;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run left in InfluxDB against what a fault-free run must leave, as counts: the fault-free
 * output is the simulator's ground truth ({@link GroundTruth}): every window aggregate recomputed
 * from the readings sent, exactly one alert per injected episode and none besides, and one dead
 * letter per malformed message with the reason the simulator expects. Counting, not asserting, so
 * that every difference of a long run is known at once and goes into its figures.
 */
final class CampaignOutcome {

    private static final int EXAMPLES = 10;
    private static final String DEAD_LETTERS_AGAIN = "dead letters written again (replays)";

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final List<String> examples = new ArrayList<>();

    /**
     * @param aggregates the rows of {@code sensor_aggregates} of the simulated fleet
     * @param alerts the rows of {@code alerts}
     * @param deadLetters the rows of {@code dead_letters} of the simulated fleet's topics
     */
    static CampaignOutcome compare(
            FleetSimulation simulation,
            List<Map<String, Object>> aggregates,
            List<Map<String, Object>> alerts,
            List<Map<String, Object>> deadLetters) {
        CampaignOutcome outcome = new CampaignOutcome();
        outcome.compareAggregates(GroundTruth.expectedAggregates(simulation), aggregates);
        outcome.compareAlerts(simulation, alerts);
        outcome.compareDeadLetters(simulation, deadLetters);
        return outcome;
    }

    private void compareAggregates(
            Map<String, List<SensorReading>> expected, List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> found = new HashMap<>();
        long readingsCounted = 0;
        for (Map<String, Object> row : rows) {
            // One point per series and time in InfluxDB: a window written again overwrites itself.
            found.put(GroundTruth.windowId(row), row);
            readingsCounted += (long) GroundTruth.number(row, "count");
        }
        long expectedReadings = 0;
        long lost = 0;
        long duplicated = 0;
        long missing = 0;
        long wrong = 0;
        for (Map.Entry<String, List<SensorReading>> window : expected.entrySet()) {
            int n = window.getValue().size();
            expectedReadings += n;
            Map<String, Object> row = found.remove(window.getKey());
            if (row == null) {
                missing++;
                lost += n;
                example("missing window " + window.getKey() + " of " + n + " readings");
                continue;
            }
            long counted = (long) GroundTruth.number(row, "count");
            lost += Math.max(0, n - counted);
            duplicated += Math.max(0, counted - n);
            List<String> differences = GroundTruth.differences(window.getValue(), row);
            if (!differences.isEmpty()) {
                wrong++;
                example("window " + window.getKey() + ": " + differences);
            }
        }
        long unexpectedReadings = 0;
        for (Map.Entry<String, Map<String, Object>> extra : found.entrySet()) {
            unexpectedReadings += (long) GroundTruth.number(extra.getValue(), "count");
            example("window no reading was sent for: " + extra.getKey());
        }
        counts.put("readings sent", expectedReadings);
        counts.put("readings counted in aggregates", readingsCounted);
        counts.put("readings lost", lost);
        counts.put("readings duplicated", duplicated);
        counts.put("readings in windows no reading was sent for", unexpectedReadings);
        counts.put("aggregates expected", (long) expected.size());
        counts.put("aggregates written", (long) rows.size());
        counts.put("aggregates missing", missing);
        counts.put("aggregates not expected", (long) found.size());
        counts.put("aggregates differing from the fault-free value", wrong);
    }

    private void compareAlerts(FleetSimulation simulation, List<Map<String, Object>> rows) {
        List<Episode> episodes = new ArrayList<>(simulation.episodes());
        episodes.removeIf(e -> e.kind() == Episode.Kind.MALFORMED);
        List<Map<String, Object>> unmatched = new ArrayList<>(rows);
        long missing = 0;
        long duplicated = 0;
        for (Episode episode : episodes) {
            List<Map<String, Object>> matches =
                    unmatched.stream().filter(row -> GroundTruth.matches(row, episode)).toList();
            if (matches.isEmpty()) {
                missing++;
                example("no alert for " + episode);
            } else if (matches.size() > 1) {
                duplicated += matches.size() - 1;
                example(matches.size() + " alerts for " + episode);
            }
            unmatched.removeAll(matches);
        }
        unmatched.forEach(row -> example("alert outside every episode: " + row));
        counts.put("alerts expected (episodes)", (long) episodes.size());
        counts.put("alerts written", (long) rows.size());
        counts.put("alerts missing", missing);
        counts.put("alerts duplicated", duplicated);
        counts.put("alerts not expected", (long) unmatched.size());
    }

    private void compareDeadLetters(FleetSimulation simulation, List<Map<String, Object>> rows) {
        Map<String, Long> expected = new HashMap<>();
        for (SimulatedMessage m : simulation.messages()) {
            if (m.isMalformed()) {
                expected.merge(m.expectedReason() + " " + m.topic(), 1L, Long::sum);
            }
        }
        Map<String, Long> found = new HashMap<>();
        long late = 0;
        for (Map<String, Object> row : rows) {
            if ("late".equals(row.get("reason"))) {
                late++;
            } else {
                found.merge(row.get("reason") + " " + row.get("topic"), 1L, Long::sum);
            }
        }
        long missing = 0;
        long duplicated = 0;
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            long n = found.getOrDefault(e.getKey(), 0L);
            if (n != e.getValue()) {
                example("dead letter " + e.getKey() + ": " + n + ", expected " + e.getValue());
            }
            missing += Math.max(0, e.getValue() - n);
            duplicated += Math.max(0, n - e.getValue());
        }
        long unexpected = 0;
        for (Map.Entry<String, Long> e : found.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                unexpected += e.getValue();
                example("dead letter no malformed message explains: " + e.getKey());
            }
        }
        counts.put("late readings (dead letters 'late')", late);
        counts.put(
                "dead letters expected (malformed messages)",
                expected.values().stream().mapToLong(Long::longValue).sum());
        counts.put("dead letters written (not 'late')", (long) rows.size() - late);
        counts.put("dead letters missing", missing);
        counts.put(DEAD_LETTERS_AGAIN, duplicated);
        counts.put("dead letters not expected", unexpected);
    }

    private void example(String difference) {
        if (examples.size() < EXAMPLES) {
            examples.add(difference);
        }
    }

    /** Every count by name, in the order of the results file. */
    Map<String, Long> counts() {
        return counts;
    }

    /** The first few differences found. */
    List<String> examples() {
        return examples;
    }

    /** The counts that must all be zero for the run to equal a fault-free run. */
    Map<String, Long> differences() {
        Map<String, Long> differences = new LinkedHashMap<>();
        counts.forEach(
                (name, n) -> {
                    if (isDifference(name)) {
                        differences.put(name, n);
                    }
                });
        return differences;
    }

    boolean isIdentical() {
        return differences().values().stream().allMatch(n -> n == 0);
    }

    private static boolean isDifference(String name) {
        return name.contains("lost")
                || name.equals(DEAD_LETTERS_AGAIN)
                || name.contains("duplicated")
                || name.contains("missing")
                || name.contains("not expected")
                || name.contains("differing")
                || name.contains("no reading was sent")
                || name.startsWith("late");
    }
}
