package io.vigil.parsing;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** Configuration options of the payload parser ({@link SensorMessageParser}). */
public final class ParserOptions {

    public static final ConfigOption<MemorySize> MAX_PAYLOAD_SIZE =
            ConfigOptions.key("parser.max-payload-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("64kb"))
                    .withDescription(
                            "Largest payload parsed; larger payloads become dead letters with"
                                    + " reason too-large.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("parser.max-future-skew")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "How far a reading's time may lie after its arrival time before it"
                                    + " becomes a dead letter with reason future-timestamp.");

    private ParserOptions() {}
}
