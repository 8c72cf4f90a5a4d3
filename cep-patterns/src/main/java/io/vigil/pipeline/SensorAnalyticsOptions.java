package io.vigil.pipeline;

import io.vigil.cep.engine.PatternEngineOperator;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options of the analytics core: event time, windows and decibel handling. */
public final class SensorAnalyticsOptions {

    private SensorAnalyticsOptions() {}

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("analytics.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How far behind the newest reading a reading may arrive and still"
                                + " count; later readings are dead letters with reason 'late'.");

    public static final ConfigOption<Integer> WATERMARK_QUORUM =
            ConfigOptions.key("analytics.watermark-quorum")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "How many devices must have reached an event time before the"
                                    + " watermark follows; fewer devices with fast clocks cannot"
                                    + " make other devices' readings late. 1 gives the plain"
                                    + " bounded-out-of-orderness watermark.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("analytics.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "A source split with no readings for this long stops holding back the"
                                    + " watermark, and so does a device among the others.");

    public static final ConfigOption<Duration> WINDOW_SIZE =
            ConfigOptions.key("analytics.window-size")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription("Size of the tumbling event-time aggregate windows.");

    public static final ConfigOption<List<String>> DECIBEL_METRICS =
            ConfigOptions.key("analytics.decibel-metrics")
                    .stringType()
                    .asList()
                    .defaultValues("sound")
                    .withDescription(
                            "Metrics measured in dB even when a reading carries no unit; their"
                                    + " aggregates include the energy average 'leq'.");

    public static final ConfigOption<Integer> STATE_CACHE_KEYS =
            ConfigOptions.key("analytics.state-cache-keys")
                    .intType()
                    .defaultValue(PatternEngineOperator.DEFAULT_STATE_CACHE_KEYS)
                    .withDescription(
                            "Keys per analytics subtask whose windows and pattern state are kept"
                                    + " as objects on the heap when state lives in RocksDB,"
                                    + " written back before every checkpoint and when a key leaves"
                                    + " the cache (least recently used first); the heap state"
                                    + " backend ignores it.");
}
