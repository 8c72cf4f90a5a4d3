package io.vigil.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.model.SensorReading;
import io.vigil.tools.simulator.Episode.Kind;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The episodes of tanks, lines, motors and presses (those of {@code fleet-all-types.yaml}) against
 * their labels, with independent implementations of what each pattern looks for; and a fleet
 * without them unchanged.
 */
class MachineEpisodesTest {

    /** A test run once for each of the seeds the checks use. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    @interface OnSeeds {}

    private static final Map<Long, FleetSimulation> GENERATED = new ConcurrentHashMap<>();

    private static SimulationSpec.Builder fleet(long seed) {
        return SimulationSpec.builder()
                .setSites(2)
                .setDevicesPerSite(6)
                .setDuration(Duration.ofMinutes(20))
                .setSeed(seed)
                .setBursts(4)
                .setDrifts(2)
                .setSilences(2)
                .setMalformedShare(0);
    }

    private static FleetSimulation generated(long seed) {
        return GENERATED.computeIfAbsent(
                seed,
                s ->
                        FleetSimulation.generate(
                                fleet(s).setLows(4)
                                        .setLeaks(4)
                                        .setRates(4)
                                        .setFlatlines(4)
                                        .setSequences(4)
                                        .build()));
    }

    @Test
    void machinesComeOnlyWithTheirEpisodesAndLeaveTheRestOfTheFleetAsItWas() {
        FleetSimulation without = FleetSimulation.generate(fleet(3).build());
        FleetSimulation with = generated(3);

        assertThat(without.readings()).allMatch(r -> r.device().matches("(mic|pump)-\\d\\d"));
        assertThat(with.readings())
                .extracting(SensorReading::key)
                .contains(
                        "plant-a/tank-01/fuel-level",
                        "plant-b/line-03/pressure",
                        "plant-a/motor-02/vibration",
                        "plant-b/press-01/temperature",
                        "plant-b/press-01/sound");
        assertThat(
                        with.readings().stream()
                                .filter(r -> r.device().matches("(mic|pump)-\\d\\d"))
                                .toList())
                .isEqualTo(without.readings());
        assertThat(with.episodes())
                .filteredOn(
                        e -> EnumSet.of(Kind.BURST, Kind.DRIFT, Kind.SILENCE).contains(e.kind()))
                .isEqualTo(without.episodes());
    }

    @OnSeeds
    void fuelLevelsDropBelowTenPercentForTheirReadingsOnly(long seed) {
        withReadings(seed, Kind.LOW)
                .forEach(
                        (low, readings) -> {
                            List<SensorReading> inside =
                                    between(readings, low.startedAt(), low.endedAt());
                            assertThat(inside).hasSize(low.events()).allMatch(r -> r.value() < 10);
                            assertThat(min(inside)).isEqualTo(low.peak());
                            assertThat(after(readings, low.endedAt()).timestamp())
                                    .isEqualTo(low.resolvesAt());
                        });
        FleetSimulation simulation = generated(seed);
        byKey(simulation)
                .forEach(
                        (key, readings) ->
                                assertThat(readings)
                                        .filteredOn(r -> r.metric().equals("fuel-level"))
                                        .filteredOn(r -> r.value() < 10)
                                        .allMatch(r -> covered(simulation, Kind.LOW, r)));
    }

    @OnSeeds
    void leaksFallFromAPumpedUpReadingUntilTheLineIsBack(long seed) {
        withReadings(seed, Kind.LEAK)
                .forEach(
                        (leak, readings) -> {
                            int first = indexAt(readings, leak.startedAt());
                            int resolving = indexAt(readings, leak.resolvesAt());
                            assertThat(readings.get(first).value())
                                    .isGreaterThan(readings.get(first - 1).value() + 0.05);
                            for (int i = first + 1; i < resolving; i++) {
                                assertThat(readings.get(i).value())
                                        .isLessThan(readings.get(i - 1).value());
                            }
                            assertThat(readings.get(resolving).value())
                                    .isGreaterThan(readings.get(resolving - 1).value() + 0.05);
                            // The detection: the earliest reading at least 5 later and 0.8 bar
                            // below the first.
                            int detection = first + 5;
                            while (readings.get(first).value() - readings.get(detection).value()
                                    < 0.8) {
                                detection++;
                            }
                            assertThat(readings.get(detection).timestamp())
                                    .isEqualTo(leak.endedAt());
                            assertThat(readings.get(detection).value()).isEqualTo(leak.peak());
                            assertThat(detection - first + 1).isEqualTo(leak.events());
                        });
    }

    @OnSeeds
    void vibrationIsSteepExactlyFromEachClimbUntilItsResolvingReading(long seed) {
        FleetSimulation simulation = generated(seed);
        Map<String, List<SensorReading>> byKey = byKey(simulation);

        assertThat(simulation.episodes(Kind.RATE)).hasSize(4);
        byKey.forEach(
                (key, readings) -> {
                    if (!key.endsWith("/vibration")) {
                        return;
                    }
                    List<Episode> rates =
                            simulation.episodes(Kind.RATE).stream()
                                    .filter(e -> e.key().equals(key))
                                    .toList();
                    for (int i = 0; i < readings.size(); i++) {
                        long t = readings.get(i).timestamp();
                        boolean during =
                                rates.stream()
                                        .anyMatch(e -> t >= e.endedAt() && t < e.resolvesAt());
                        assertThat(steepFrom(readings, i) >= 0)
                                .as("%s at %d", key, t)
                                .isEqualTo(during);
                    }
                    for (Episode rate : rates) {
                        int first = indexAt(readings, rate.endedAt());
                        int from = steepFrom(readings, first);
                        assertThat(readings.get(from).timestamp()).isEqualTo(rate.startedAt());
                        assertThat(first - from + 1).isEqualTo(rate.events());
                        assertThat(readings.get(first).value()).isEqualTo(rate.peak());
                    }
                });
    }

    @OnSeeds
    void stuckSensorsRepeatOneValueAndNoOtherSixReadingsDo(long seed) {
        withReadings(seed, Kind.FLATLINE)
                .forEach(
                        (stuck, readings) -> {
                            int first = indexAt(readings, stuck.startedAt());
                            int resolving = indexAt(readings, stuck.resolvesAt());
                            assertThat(resolving - first)
                                    .isEqualTo(stuck.events())
                                    .isGreaterThanOrEqualTo(10);
                            assertThat(readings.subList(first, resolving))
                                    .allMatch(r -> r.value() == stuck.peak());
                            assertThat(readings.get(first - 1).value()).isNotEqualTo(stuck.peak());
                            assertThat(readings.get(resolving).value()).isNotEqualTo(stuck.peak());
                        });
        FleetSimulation simulation = generated(seed);
        byKey(simulation)
                .forEach(
                        (key, readings) -> {
                            if (!key.endsWith("/pressure")) {
                                return;
                            }
                            for (int i = 5; i < readings.size(); i++) {
                                SensorReading r = readings.get(i);
                                if (readings.subList(i - 5, i).stream()
                                        .allMatch(p -> p.value() == r.value())) {
                                    assertThat(covered(simulation, Kind.FLATLINE, r)).isTrue();
                                }
                            }
                        });
    }

    @OnSeeds
    void pressesRunHotOnceThenLoudWithinTwoMinutes(long seed) {
        FleetSimulation simulation = generated(seed);

        List<SensorReading> hot =
                simulation.readings().stream()
                        .filter(r -> r.device().startsWith("press-") && r.value() > 80)
                        .filter(r -> r.metric().equals("temperature"))
                        .toList();
        assertThat(hot)
                .extracting(r -> r.site() + "/" + r.device() + " " + r.timestamp())
                .containsExactlyInAnyOrderElementsOf(
                        simulation.episodes(Kind.SEQUENCE).stream()
                                .map(e -> e.site() + "/" + e.device() + " " + e.startedAt())
                                .toList());
        withReadings(seed, Kind.SEQUENCE)
                .forEach(
                        (sequence, sound) -> {
                            List<SensorReading> loud =
                                    sound.stream()
                                            .filter(
                                                    r ->
                                                            r.timestamp() > sequence.startedAt()
                                                                    && r.value() > 75)
                                            .toList();
                            assertThat(loud).hasSizeBetween(3, 5).allMatch(r -> r.value() < 85);
                            assertThat(loud.get(2).timestamp()).isEqualTo(sequence.endedAt());
                            assertThat(sequence.endedAt() - sequence.startedAt())
                                    .isLessThanOrEqualTo(120_000);
                            assertThat(max(loud.subList(0, 3))).isEqualTo(sequence.peak());
                            assertThat(
                                            after(sound, loud.get(loud.size() - 1).timestamp())
                                                    .timestamp())
                                    .isEqualTo(sequence.resolvesAt());
                            // Loud readings in a row: nothing quiet between them.
                            assertThat(
                                            between(
                                                    sound,
                                                    loud.get(0).timestamp(),
                                                    sequence.resolvesAt() - 1))
                                    .isEqualTo(loud);
                        });
    }

    @Test
    void machinesNeedATemperaturePeriodOfAtLeastFiveSeconds() {
        assertThatThrownBy(
                        () ->
                                fleet(1).setTemperaturePeriod(Duration.ofSeconds(2))
                                        .setRates(1)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("temperaturePeriod must be at least 5s");
        assertThatThrownBy(() -> fleet(1).setSequences(-1).build())
                .hasMessageContaining("sequences must not be negative");
    }

    /**
     * The index of the oldest reading a slope at {@code i} is measured from, when that slope is
     * steep for {@code motor-vibration-rising} (above 0.5 per minute over the last 2 minutes, at
     * least 3 readings); -1 otherwise.
     */
    private static int steepFrom(List<SensorReading> readings, int i) {
        SensorReading r = readings.get(i);
        int from = i;
        while (from > 0 && r.timestamp() - readings.get(from - 1).timestamp() <= 120_000) {
            from--;
        }
        SensorReading r0 = readings.get(from);
        boolean steep =
                i - from + 1 >= 3
                        && r.timestamp() > r0.timestamp()
                        && (r.value() - r0.value()) * 60_000
                                > 0.5 * (r.timestamp() - r0.timestamp());
        return steep ? from : -1;
    }

    private static boolean covered(FleetSimulation simulation, Kind kind, SensorReading r) {
        return simulation.episodes(kind).stream()
                .anyMatch(
                        e ->
                                e.key().equals(r.key())
                                        && r.timestamp() >= e.startedAt()
                                        && r.timestamp() < e.resolvesAt());
    }

    /**
     * Each of the four episodes of {@code kind} (in {@code startedAt} order) with the readings of
     * its key.
     */
    private static Map<Episode, List<SensorReading>> withReadings(long seed, Kind kind) {
        FleetSimulation simulation = generated(seed);
        Map<String, List<SensorReading>> byKey = byKey(simulation);
        assertThat(simulation.episodes(kind)).hasSize(4);
        Map<Episode, List<SensorReading>> episodes = new LinkedHashMap<>();
        simulation.episodes(kind).forEach(e -> episodes.put(e, byKey.get(e.key())));
        return episodes;
    }

    private static Map<String, List<SensorReading>> byKey(FleetSimulation simulation) {
        return simulation.readings().stream().collect(Collectors.groupingBy(SensorReading::key));
    }

    private static List<SensorReading> between(List<SensorReading> readings, long from, long to) {
        return readings.stream().filter(r -> r.timestamp() >= from && r.timestamp() <= to).toList();
    }

    private static SensorReading after(List<SensorReading> readings, long time) {
        return readings.stream().filter(r -> r.timestamp() > time).findFirst().orElseThrow();
    }

    private static int indexAt(List<SensorReading> readings, long time) {
        List<Long> times = new ArrayList<>();
        readings.forEach(r -> times.add(r.timestamp()));
        int index = times.indexOf(time);
        assertThat(index).as("a reading at %d", time).isPositive();
        return index;
    }

    private static double min(List<SensorReading> readings) {
        return readings.stream().mapToDouble(SensorReading::value).min().orElseThrow();
    }

    private static double max(List<SensorReading> readings) {
        return readings.stream().mapToDouble(SensorReading::value).max().orElseThrow();
    }
}
