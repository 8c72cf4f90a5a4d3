package io.vigil.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.model.RawMessage;
import io.vigil.parsing.ParseResult;
import io.vigil.parsing.SensorMessageParser;
import io.vigil.tools.simulator.FleetSimulation;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmarks measure what they claim to: their inputs and baselines are checked here. */
class BenchmarkInputsTest {

    @Test
    void parserMixHoldsEveryPayloadFormAndParsesAsTheSimulatorSays() {
        RawMessage[] mix = BenchmarkInputs.parserMix();
        Map<String, Integer> forms = BenchmarkInputs.parserMixForms();

        assertThat(forms.values()).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(forms.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(mix.length);

        FleetSimulation simulation = FleetSimulation.generate(BenchmarkInputs.PARSER_MIX);
        SensorMessageParser parser = SensorMessageParser.withDefaults();
        long readings = 0;
        long deadLetters = 0;
        for (RawMessage message : mix) {
            ParseResult result = parser.parse(message);
            readings += result.readings().size();
            deadLetters += result.deadLetters().size();
        }
        assertThat(readings).isEqualTo(simulation.readings().size());
        assertThat(deadLetters).isEqualTo(forms.get("malformed").longValue());
    }

    @Test
    void readTreeBaselineReadsEveryPayloadUnderTheLimitWithoutThrowing() {
        ParserBenchmark benchmark = new ParserBenchmark();
        benchmark.setUp();
        RawMessage[] mix = BenchmarkInputs.parserMix();
        long trees = 0;
        long skipped = 0;
        long notJson = 0;
        for (int i = 0; i < mix.length; i++) {
            Object result = benchmark.readTreeBaseline();
            if (result == null) {
                skipped++;
            } else if (result instanceof JsonNode) {
                trees++;
            } else {
                notJson++;
            }
        }
        assertThat(skipped).isPositive();
        assertThat(notJson).isPositive();
        assertThat(trees).isGreaterThan(mix.length * 9L / 10);
        assertThat(trees + skipped + notJson).isEqualTo(mix.length);
    }

    @Test
    void lineProtocolBaselinesWriteTheSameLinesAsTheEncoder() {
        List<InfluxDbPoint> points = BenchmarkInputs.aggregatePoints();

        assertThat(points).hasSizeGreaterThan(1000);
        assertThat(points).anySatisfy(p -> assertThat(p.fields()).containsKey("leq"));
        assertThat(points).anySatisfy(p -> assertThat(p.fields()).doesNotContainKey("leq"));
        for (InfluxDbPoint point : points) {
            String line = LineProtocol.encode(point);
            assertThat(LineProtocolBenchmark.formatUnescaped(point)).isEqualTo(line);
            assertThat(LineProtocolBenchmark.appendUnescaped(point)).isEqualTo(line);
        }
    }

    @Test
    void sourceSubtasksTogetherReadEveryMessageOnceInterleaved() {
        RawMessage[] messages = new RawMessage[12];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = RawMessage.of("sensors/a/b/c", Integer.toString(i), i);
        }
        AnalyticsThroughput.MessageAt messageAt =
                new AnalyticsThroughput.MessageAt("test-input", messages.length, 3);
        AnalyticsThroughput.putInput("test-input", messages);
        try {
            Set<Long> arrivals = new HashSet<>();
            for (long sequence = 0; sequence < messages.length; sequence++) {
                arrivals.add(messageAt.map(sequence).arrivalTime());
            }
            assertThat(arrivals).hasSize(messages.length);
            // The second subtask's share starts at sequence 4 and reads messages 1, 4, 7, 10.
            assertThat(messageAt.map(4L).arrivalTime()).isEqualTo(1);
            assertThat(messageAt.map(5L).arrivalTime()).isEqualTo(4);
        } finally {
            AnalyticsThroughput.removeInput("test-input");
        }
    }

    @Test
    void harnessUsesTheShippedDefaultPatterns() throws Exception {
        assertThat(
                        PatternConfigLoader.load(Path.of("../cep-patterns/patterns/default.yaml"))
                                .patterns())
                .hasSize(3);
    }

    @Test
    void parserComesFromCepPatternsNotFromTheShadedJobsJar() {
        String location =
                SensorMessageParser.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toString();
        assertThat(location).doesNotContain("vigil-jobs");
    }
}
