package io.vigil.cep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine on RocksDB keeps a key's state as objects in a bounded cache and writes it back when
 * the key leaves the cache and before every checkpoint: whatever the cache size, and across a
 * snapshot and restore taken while partial matches, windows and pending readings are open, it gives
 * exactly what the heap backend gives.
 */
class RocksDbStateCacheTest {

    private static final long OUT_OF_ORDERNESS = 5_000;
    private static final long WINDOW = 60_000;

    @ParameterizedTest(name = "cache of {0} keys")
    @ValueSource(ints = {1, 3, 10_000})
    void rocksDbWithTheCacheGivesWhatTheHeapGives(int cacheKeys) throws Exception {
        List<Arrival> arrivals = arrivals(new Random(7), 12, 400);

        Outputs heap = run(arrivals, null, 0, -1);
        Outputs rocks = run(arrivals, new EmbeddedRocksDBStateBackend(), cacheKeys, -1);
        Outputs restored =
                run(arrivals, new EmbeddedRocksDBStateBackend(), cacheKeys, arrivals.size() / 2);

        assertThat(heap.alerts)
                .as("the input raises every pattern")
                .extracting(Alert::pattern)
                .contains("loud-burst", "pump-drift", "pump-silent");
        assertThat(heap.aggregates).hasSizeGreaterThan(12 * 5);
        assertThat(rocks.alerts).containsExactlyInAnyOrderElementsOf(heap.alerts);
        assertThat(rocks.aggregates).containsExactlyInAnyOrderElementsOf(heap.aggregates);
        assertThat(restored.alerts).containsExactlyInAnyOrderElementsOf(heap.alerts);
        assertThat(restored.aggregates).containsExactlyInAnyOrderElementsOf(heap.aggregates);
    }

    @ParameterizedTest(name = "cache of {0} keys")
    @ValueSource(ints = {1, 3, 10_000})
    void aStallOfEventTimeReachesEveryKeyWhereverItsStateIs(int cacheKeys) throws Exception {
        var harness = harness(new EmbeddedRocksDBStateBackend(), cacheKeys, null);
        try {
            harness.setProcessingTime(1_000);
            for (int k = 0; k < 12; k++) {
                SensorReading reading =
                        new SensorReading(
                                "plant-a", "pump-" + k, "temperature", 1_000_000 + k, 40, null);
                harness.processElement(reading, reading.timestamp());
            }
            harness.processWatermark(1_000_000);
            assertThat(harness.numProcessingTimeTimers()).isZero();

            // No watermark from now on: the default grace (1 min), then after (1 min) + grace.
            harness.setProcessingTime(1_000 + 60_000);
            assertThat(harness.numProcessingTimeTimers()).isEqualTo(12);
            harness.setProcessingTime(1_000 + 60_000 + 60_000);

            Outputs outputs = new Outputs();
            outputs.collect(harness);
            assertThat(outputs.alerts)
                    .extracting(Alert::device)
                    .containsExactlyInAnyOrderElementsOf(
                            Stream.iterate(0, k -> k + 1).limit(12).map(k -> "pump-" + k).toList());
        } finally {
            harness.close();
        }
    }

    /**
     * Runs the engine over {@code arrivals}; with {@code restoreAt >= 0}, snapshots after that many
     * arrivals and goes on in a new engine restored from the snapshot.
     */
    private static Outputs run(
            List<Arrival> arrivals,
            EmbeddedRocksDBStateBackend backend,
            int cacheKeys,
            int restoreAt)
            throws Exception {
        Outputs outputs = new Outputs();
        var harness = harness(backend, cacheKeys, null);
        try {
            long watermark = Long.MIN_VALUE;
            for (int i = 0; i < arrivals.size(); i++) {
                if (i == restoreAt) {
                    OperatorSubtaskState snapshot = harness.snapshot(1, 0);
                    outputs.collect(harness);
                    harness.close();
                    harness = harness(backend, cacheKeys, snapshot);
                }
                Arrival arrival = arrivals.get(i);
                harness.processElement(arrival.reading, arrival.reading.timestamp());
                if (arrival.watermark > watermark) {
                    watermark = arrival.watermark;
                    harness.processWatermark(watermark);
                }
            }
            harness.processWatermark(Long.MAX_VALUE);
            outputs.collect(harness);
        } finally {
            harness.close();
        }
        return outputs;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SensorReading, WindowAggregate>
            harness(
                    EmbeddedRocksDBStateBackend backend,
                    int cacheKeys,
                    OperatorSubtaskState restoreFrom)
                    throws Exception {
        List<PatternProgram> programs =
                Stream.of(
                                TestPatterns.LOUD_BURST,
                                TestPatterns.PUMP_DRIFT,
                                TestPatterns.PUMP_SILENT)
                        .map(spec -> AlertPatterns.of(spec).program())
                        .toList();
        PatternEngineOperator engine =
                new PatternEngineOperator(
                        programs, WINDOW, "1m", new ReadingAggregateFunction(Set.of("sound")));
        if (backend != null) {
            engine.withStateCacheKeys(cacheKeys);
        }
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        engine, SensorReading::key, Types.STRING);
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    /**
     * Readings of {@code keys} sensors (sound with bursts, temperature with drifts and pauses long
     * enough to count as silence), arriving shuffled within the out-of-orderness, each with the
     * watermark a bounded-out-of-orderness strategy gives after it.
     */
    private static List<Arrival> arrivals(Random random, int keys, int perKey) {
        List<SensorReading> readings = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            String metric = k % 2 == 0 ? "sound" : "temperature";
            long timestamp = 1_000_000;
            double value = metric.equals("sound") ? 70 : 40;
            for (int i = 0; i < perKey; i++) {
                timestamp += 1000L * (1 + random.nextInt(3));
                if (random.nextInt(60) == 0) {
                    timestamp += 90_000;
                }
                value =
                        metric.equals("sound")
                                ? 70 + 0.5 * random.nextInt(50)
                                : value + 0.5 * (random.nextInt(5) - 2);
                readings.add(
                        new SensorReading("plant-a", "dev-" + k, metric, timestamp, value, null));
            }
        }
        List<long[]> order = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            long jitter = (long) (random.nextDouble() * OUT_OF_ORDERNESS);
            order.add(new long[] {readings.get(i).timestamp() + jitter, i});
        }
        order.sort(Comparator.comparingLong((long[] a) -> a[0]).thenComparingLong(a -> a[1]));
        List<Arrival> arrivals = new ArrayList<>();
        long latest = Long.MIN_VALUE;
        for (long[] a : order) {
            SensorReading reading = readings.get((int) a[1]);
            latest = Math.max(latest, reading.timestamp());
            arrivals.add(new Arrival(reading, latest - OUT_OF_ORDERNESS - 1));
        }
        return arrivals;
    }

    private record Arrival(SensorReading reading, long watermark) {}

    /** What an engine emitted, across a restore. */
    private static final class Outputs {
        final List<Alert> alerts = new ArrayList<>();
        final List<WindowAggregate> aggregates = new ArrayList<>();

        void collect(
                KeyedOneInputStreamOperatorTestHarness<String, SensorReading, WindowAggregate>
                        harness) {
            aggregates.addAll(harness.extractOutputValues());
            if (harness.getSideOutput(PatternEngineOperator.ALERTS) != null) {
                for (StreamRecord<Alert> record :
                        harness.getSideOutput(PatternEngineOperator.ALERTS)) {
                    alerts.add(record.getValue());
                }
            }
        }
    }
}
