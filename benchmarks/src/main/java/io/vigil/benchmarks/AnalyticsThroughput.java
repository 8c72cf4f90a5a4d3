package io.vigil.benchmarks;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.parsing.ParseFunction;
import io.vigil.parsing.SensorMessageParser;
import io.vigil.pipeline.SensorAnalytics;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulationSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Readings per second of the whole analytics core ({@link SensorAnalytics}: parse, watermarks,
 * windows, the default patterns) on a local mini cluster, against a baseline of the same source and
 * parser followed by a keyed count per sensor only, both run alternately in one JVM.
 *
 * <p>Input: a simulated fleet ({@link FleetSimulation}, mixed payloads, 1 % malformed, injected
 * bursts, drifts and silences) held in memory, so that the source costs next to nothing. Outputs go
 * to discarding sinks, counted in accumulators. The time is the job's net runtime (from the
 * JobManager: job start to finish, without the mini cluster's start-up).
 *
 * <pre>{@code
 * benchmarks/run.sh io.vigil.benchmarks.AnalyticsThroughput --sensors 2000,10000 --runs 3
 * }</pre>
 */
public final class AnalyticsThroughput {

    /** Inputs by name; the mini cluster runs in this JVM, so its tasks read them from here. */
    private static final Map<String, RawMessage[]> INPUTS = new ConcurrentHashMap<>();

    private static final int DEVICES_PER_SITE = 100;

    private AnalyticsThroughput() {}

    /** What one job run produced: its net runtime and its accumulators. */
    record Run(String pipeline, long millis, Map<String, Object> counts) {}

    /** A fleet's input: the messages (a multiple of the parallelism) and their valid readings. */
    record Fleet(int sensors, String inputName, int messages, long readings) {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        PatternConfig patterns = PatternConfigLoader.load(settings.patterns);
        printMachine(settings);
        for (int sensors : settings.sensors) {
            Fleet fleet = prepare(sensors, settings);
            System.out.printf(
                    "%nfleet: %d sensors, %s of event time, %d messages, %d valid readings%n",
                    sensors, settings.duration, fleet.messages(), fleet.readings());
            for (int w = 0; w < settings.warmups; w++) {
                report("warm-up", fleet, run(fleet, false, settings, patterns));
                report("warm-up", fleet, run(fleet, true, settings, patterns));
            }
            List<Run> baseline = new ArrayList<>();
            List<Run> full = new ArrayList<>();
            for (int r = 0; r < settings.runs; r++) {
                Run b = run(fleet, false, settings, patterns);
                report("run " + (r + 1), fleet, b);
                baseline.add(b);
                Run f = run(fleet, true, settings, patterns);
                report("run " + (r + 1), fleet, f);
                full.add(f);
            }
            summarize(fleet, baseline, full);
            removeInput(fleet.inputName());
        }
    }

    static void putInput(String name, RawMessage[] messages) {
        INPUTS.put(name, messages);
    }

    static void removeInput(String name) {
        INPUTS.remove(name);
    }

    /** The messages of a prepared fleet. */
    static RawMessage[] inputOf(Fleet fleet) {
        return INPUTS.get(fleet.inputName());
    }

    static Fleet prepare(int sensors, Settings settings) {
        return prepare(sensors, settings.duration, settings.parallelism);
    }

    /** The simulated fleet of {@code sensors}, held in memory under its input name. */
    static Fleet prepare(int sensors, Duration duration, int parallelism) {
        if (sensors <= 0 || sensors % DEVICES_PER_SITE != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "--sensors must be positive multiples of %d, was %d",
                            DEVICES_PER_SITE, sensors));
        }
        int scale = sensors / DEVICES_PER_SITE;
        SimulationSpec spec =
                SimulationSpec.builder()
                        .setSites(scale)
                        .setDevicesPerSite(DEVICES_PER_SITE)
                        .setDuration(duration)
                        .setSeed(7)
                        .setBursts(scale * 2)
                        .setDrifts(scale)
                        .setSilences(scale)
                        .setMalformedShare(0.01)
                        .setMixedPayloads(true)
                        .build();
        FleetSimulation simulation = FleetSimulation.generate(spec);
        // Each source subtask reads an equal share, so the count is cut to a multiple of it.
        int kept = simulation.messages().size() - simulation.messages().size() % parallelism;
        long readings = 0;
        for (int i = 0; i < kept; i++) {
            readings += simulation.messages().get(i).readings().size();
        }
        RawMessage[] messages = Arrays.copyOf(BenchmarkInputs.rawMessages(simulation), kept);
        String name = "fleet-" + sensors;
        putInput(name, messages);
        return new Fleet(sensors, name, kept, readings);
    }

    static Run run(Fleet fleet, boolean full, Settings settings, PatternConfig patterns)
            throws Exception {
        Configuration config = new Configuration();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism, config);
        DataStream<RawMessage> messages =
                env.fromSequence(0, fleet.messages() - 1)
                        .map(
                                new MessageAt(
                                        fleet.inputName(), fleet.messages(), settings.parallelism))
                        .returns(TypeInformation.of(RawMessage.class))
                        .name("Simulated messages");
        if (full) {
            SensorAnalytics.Outputs out = new SensorAnalytics(config, patterns).apply(messages);
            out.aggregates()
                    .process(new Count<>("aggregates"))
                    .name("Count aggregates")
                    .sinkTo(new DiscardingSink<>());
            out.alerts()
                    .process(new Count<>("alerts"))
                    .name("Count alerts")
                    .sinkTo(new DiscardingSink<>());
            out.deadLetters()
                    .process(new Count<>("deadLetters"))
                    .name("Count dead letters")
                    .sinkTo(new DiscardingSink<>());
        } else {
            SingleOutputStreamOperator<SensorReading> parsed =
                    messages.process(
                                    new ParseFunction(
                                            SensorMessageParser.builder()
                                                    .setConfig(config)
                                                    .build()))
                            .name("Parse sensor messages");
            parsed.keyBy(SensorReading::key)
                    .process(new CountPerKey())
                    .name("Count per key")
                    .sinkTo(new DiscardingSink<>());
            parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                    .process(new Count<>("deadLetters"))
                    .name("Count dead letters")
                    .sinkTo(new DiscardingSink<>());
        }
        String pipeline = full ? "analytics" : "baseline";
        JobExecutionResult result = env.execute(pipeline + " " + fleet.inputName());
        return new Run(
                pipeline,
                result.getNetRuntime(TimeUnit.MILLISECONDS),
                result.getAllAccumulatorResults());
    }

    private static void report(String label, Fleet fleet, Run run) {
        System.out.printf(
                "%-8s %-9s %6d ms  %,12.0f readings/s  %s%n",
                label, run.pipeline(), run.millis(), perSecond(fleet, run), run.counts());
    }

    private static double perSecond(Fleet fleet, Run run) {
        return fleet.readings() * 1000.0 / run.millis();
    }

    private static void summarize(Fleet fleet, List<Run> baseline, List<Run> full) {
        double[] b = baseline.stream().mapToDouble(r -> perSecond(fleet, r)).sorted().toArray();
        double[] f = full.stream().mapToDouble(r -> perSecond(fleet, r)).sorted().toArray();
        double[] paired = new double[full.size()];
        for (int i = 0; i < paired.length; i++) {
            paired[i] = perSecond(fleet, full.get(i)) / perSecond(fleet, baseline.get(i));
        }
        Arrays.sort(paired);
        System.out.printf(
                "%d sensors, baseline  readings/s min/median/max: %.0f / %.0f / %.0f%n",
                fleet.sensors(), b[0], median(b), b[b.length - 1]);
        System.out.printf(
                "%d sensors, analytics readings/s min/median/max: %.0f / %.0f / %.0f%n",
                fleet.sensors(), f[0], median(f), f[f.length - 1]);
        System.out.printf(
                "%d sensors, ratio analytics/baseline of the medians: %.3f;"
                        + " per run (run i / baseline i) min/median/max: %.3f / %.3f / %.3f%n",
                fleet.sensors(),
                median(f) / median(b),
                paired[0],
                median(paired),
                paired[paired.length - 1]);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void printMachine(Settings settings) throws IOException {
        System.out.println(machine());
        System.out.printf(
                "settings: parallelism %d, %d warm-up and %d measured runs of each pipeline per"
                        + " fleet, patterns %s, heap state backend, no checkpoints%n",
                settings.parallelism, settings.warmups, settings.runs, settings.patterns);
    }

    /** One line about the machine: processors, JVM, heap, OS. */
    static String machine() throws IOException {
        String cpu = "unknown";
        Path cpuInfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuInfo)) {
            cpu =
                    Files.readAllLines(cpuInfo).stream()
                            .filter(line -> line.startsWith("model name"))
                            .map(line -> line.substring(line.indexOf(':') + 1).trim())
                            .findFirst()
                            .orElse(cpu);
        }
        return String.format(
                "machine: %d processors (%s), %s %s (%s), max heap %d MiB, %s %s",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.vendor"),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("os.name"),
                System.getProperty("os.arch"));
    }

    /** The messages of a prepared input, dealt to the source subtasks by sequence number. */
    static final class MessageAt extends DealtMessages {
        private static final long serialVersionUID = 1L;

        private final String inputName;

        MessageAt(String inputName, int messages, int parallelism) {
            super(messages, parallelism);
            this.inputName = inputName;
        }

        @Override
        RawMessage message(long index) {
            return INPUTS.get(inputName)[(int) index];
        }
    }

    /** Counts elements in an accumulator and emits nothing. */
    static final class Count<T> extends ProcessFunction<T, Long> {
        private static final long serialVersionUID = 1L;

        private final String name;
        private transient LongCounter counter;
        private transient LongCounter readings;

        Count(String name) {
            this.name = name;
        }

        @Override
        public void open(OpenContext openContext) {
            counter = getRuntimeContext().getLongCounter(name);
        }

        @Override
        public void processElement(T value, Context ctx, Collector<Long> out) {
            counter.add(1L);
            if (value instanceof WindowAggregate aggregate) {
                if (readings == null) {
                    readings = getRuntimeContext().getLongCounter("readingsInAggregates");
                }
                readings.add(aggregate.count());
            }
        }
    }

    /** The baseline's keyed work: one count per sensor key in keyed state. */
    static final class CountPerKey extends KeyedProcessFunction<String, SensorReading, Long> {
        private static final long serialVersionUID = 1L;

        private transient ValueState<Long> count;
        private transient LongCounter keys;
        private transient LongCounter readings;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            keys = getRuntimeContext().getLongCounter("keys");
            readings = getRuntimeContext().getLongCounter("readingsCounted");
        }

        @Override
        public void processElement(SensorReading reading, Context ctx, Collector<Long> out)
                throws IOException {
            Long previous = count.value();
            if (previous == null) {
                keys.add(1L);
            }
            count.update(previous == null ? 1L : previous + 1);
            readings.add(1L);
        }
    }

    /** Command-line settings: {@code --sensors 2000,10000 --duration 6m --runs 3 ...}. */
    @Command(name = "AnalyticsThroughput")
    static final class Settings extends RunSettings {
        @Option(names = "--sensors", split = ",", paramLabel = "N", description = "fleet sizes")
        List<Integer> sensors = List.of(2000, 10000);

        static Settings parse(String[] args) {
            Settings settings = new Settings();
            new CommandLine(settings).parseArgs(args);
            positive("--runs", settings.runs);
            positive("--parallelism", settings.parallelism);
            return settings;
        }

        private static void positive(String option, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(
                        String.format("%s must be positive, was %d", option, value));
            }
        }
    }

    /** {@code 6m}, {@code 90s} or {@code 1h30m}: an ISO-8601 duration without its {@code PT}. */
    static final class ShortDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
        }
    }
}
