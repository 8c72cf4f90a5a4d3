package io.vigil.cep;

import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The {@code silence} pattern: a key that stopped sending readings.
 *
 * <p>Exact semantics, per key {@code (site, device, metric)}:
 *
 * <ul>
 *   <li>Watching starts with the key's first reading (a key never heard of cannot be missed). Let
 *       {@code last} be the key's reading with the latest event time so far.
 *   <li>When the watermark reaches {@code time(last) + after} with no newer reading, there was no
 *       reading for longer than {@code after} (a reading still to come is later than the
 *       watermark): one alert, then the key's state is cleared. The next reading starts watching
 *       afresh, so each silent period gives exactly one alert.
 *   <li>Fallback for when event time stalls (every source quiet, so watermarks stop): when
 *       wall-clock time reaches the arrival time of the key's latest-arriving reading plus {@code
 *       after} plus {@link PatternOptions#SILENCE_PROCESSING_TIME_GRACE}, and the event-time path
 *       has not alerted, the same alert is emitted from the processing-time timer and the key's
 *       state and event-time timer are cleared, so the event-time path cannot alert again for that
 *       period. The grace must exceed the watermark's usual lag behind wall-clock time
 *       (out-of-orderness plus idleness timeout plus pipeline delay); otherwise the fallback could
 *       alert for a key whose next reading was merely still on its way.
 *   <li>The alert carries {@code startedAt = time(last)}, {@code endedAt = time(last) + after},
 *       {@code events = 0} and {@code peak} = the value of {@code last}.
 * </ul>
 *
 * <p>Implementation: a keyed process function with one event-time and one processing-time timer per
 * key (Flink CEP cannot match the absence of events at the end of a stream). A key that stops
 * sending leaves no state and no timer once it has alerted.
 *
 * <pre>{@code
 * SilenceSpec spec = new SilenceSpec("sensor-silent", "warning", List.of("*"), Duration.ofMinutes(2));
 * DataStream<Alert> alerts = new SilencePattern(spec).apply(readingsWithWatermarks);
 * }</pre>
 */
public final class SilencePattern implements AlertPattern {

    private static final long serialVersionUID = 1L;

    private final SilenceSpec spec;
    private final Duration processingTimeGrace;

    /** A silence pattern with the default {@link PatternOptions#SILENCE_PROCESSING_TIME_GRACE}. */
    public SilencePattern(SilenceSpec spec) {
        this(spec, PatternOptions.SILENCE_PROCESSING_TIME_GRACE.defaultValue());
    }

    /** A silence pattern whose processing-time fallback waits {@code processingTimeGrace} more. */
    public SilencePattern(SilenceSpec spec, Duration processingTimeGrace) {
        if (spec.after() == null || spec.after().toMillis() <= 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Silence pattern '%s': after must be positive, got %s",
                            spec.name(), spec.after()));
        }
        if (processingTimeGrace.isNegative()) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s must not be negative, got %s",
                            PatternOptions.SILENCE_PROCESSING_TIME_GRACE.key(),
                            processingTimeGrace));
        }
        this.spec = spec;
        this.processingTimeGrace = processingTimeGrace;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public DataStream<Alert> apply(DataStream<SensorReading> readings) {
        String prefix = "pattern-" + spec.name();
        return readings.filter(new MetricFilter(spec))
                .uid(prefix + "-filter")
                .name(prefix + "-filter")
                .keyBy(SensorReading::key, Types.STRING)
                .process(detector(), TypeInformation.of(Alert.class))
                .uid(prefix + "-silence")
                .name(prefix + "-silence");
    }

    /** The keyed function that detects silences. */
    SilenceDetector detector() {
        return new SilenceDetector(spec, processingTimeGrace.toMillis());
    }
}
