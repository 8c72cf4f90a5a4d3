package io.vigil.cep;

import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * One configured pattern that watches keyed sensor readings in event time and raises alerts.
 *
 * <p>The input must already carry event timestamps equal to {@link SensorReading#timestamp()} and
 * watermarks, with late readings (timestamp at or below the current watermark) removed; a late
 * reading that gets through anyway is dropped and counted in the operator metric {@code
 * numLateRecordsDropped}. An implementation keeps only the readings of the metrics its spec names,
 * keys them by {@link SensorReading#key()}, and gives every stateful operator the uid {@code
 * pattern-<name>-<part>}, so that state survives a restart from a savepoint as long as the
 * pattern's name stays the same.
 *
 * <pre>{@code
 * AlertPattern pattern = AlertPatterns.of(spec);
 * DataStream<Alert> alerts = pattern.apply(readingsWithWatermarks);
 * }</pre>
 */
public interface AlertPattern extends Serializable {

    /** The pattern's unique name from its config file; also the prefix of its operator uids. */
    String name();

    /** Adds this pattern's operators after {@code readings} and returns the alerts it raises. */
    DataStream<Alert> apply(DataStream<SensorReading> readings);
}
