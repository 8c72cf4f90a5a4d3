package io.vigil.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.model.RawMessage;
import io.vigil.parsing.ParseResult;
import io.vigil.parsing.SensorMessageParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Messages per second of {@link SensorMessageParser#parse} over the simulator's payload mix,
 * against Jackson's {@code readTree} of the same bytes: the cost of reading the JSON at all.
 *
 * <p>One operation is one message; the messages are taken in turn, round and round. The baseline
 * skips payloads over the parser's size limit (the simulator's 80 KiB too-large messages), because
 * the parser rejects them by their length without reading them: reading them would make the
 * baseline slower and the ratio look better than it is. Like the parser's, the baseline's mapper
 * reads {@code NaN} and {@code Infinity}, so that those payloads do not cost it an exception the
 * parser does not pay; payloads that are not JSON throw in both.
 */
public class ParserBenchmark extends ThroughputBenchmark {

    private final ObjectMapper mapper =
            JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private SensorMessageParser parser;
    private RoundRobin<RawMessage> messages;
    private long maxPayloadBytes;

    @Setup
    public void setUp() {
        parser = SensorMessageParser.withDefaults();
        maxPayloadBytes = parser.maxPayloadBytes();
        messages = new RoundRobin<>(BenchmarkInputs.parserMix());
    }

    @Benchmark
    public ParseResult parse() {
        return parser.parse(messages.next());
    }

    /** Returns the tree, or the exception for a payload that is not JSON. */
    @Benchmark
    public Object readTreeBaseline() {
        byte[] payload = messages.next().payload();
        if (payload.length > maxPayloadBytes) {
            return null;
        }
        try {
            return mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            return e;
        } catch (IOException e) {
            // Reading from a byte array does no I/O; only JSON errors can happen.
            throw new UncheckedIOException(e);
        }
    }
}
