package io.vigil.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.ParseResult;
import io.vigil.SensorMessageParser;
import io.vigil.model.RawMessage;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages per second of {@link SensorMessageParser#parse} over the simulator's payload mix,
 * against Jackson's {@code readTree} of the same bytes: the cost of reading the JSON at all.
 *
 * <p>One operation is one message; the messages are taken in turn, round and round. The baseline
 * skips payloads over the parser's size limit (the simulator's 80 KiB too-large messages), because
 * the parser rejects them by their length without reading them: reading them would make the
 * baseline slower and the ratio look better than it is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ParserBenchmark {

    private final ObjectMapper mapper = new ObjectMapper();
    private SensorMessageParser parser;
    private RawMessage[] messages;
    private long maxPayloadBytes;
    private int next;

    @Setup
    public void setUp() {
        parser = SensorMessageParser.withDefaults();
        maxPayloadBytes = parser.maxPayloadBytes();
        messages = BenchmarkInputs.parserMix();
    }

    private RawMessage nextMessage() {
        RawMessage message = messages[next];
        next = next + 1 == messages.length ? 0 : next + 1;
        return message;
    }

    @Benchmark
    public ParseResult parse() {
        return parser.parse(nextMessage());
    }

    @Benchmark
    public JsonNode readTreeBaseline() throws IOException {
        byte[] payload = nextMessage().payload();
        return payload.length > maxPayloadBytes ? null : mapper.readTree(payload);
    }
}
