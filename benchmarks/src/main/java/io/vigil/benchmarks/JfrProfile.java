package io.vigil.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Where the CPU time of a benchmark went, from a Java Flight Recorder file: the CPU samples ({@code
 * jdk.ExecutionSample}) of the threads of one side, grouped by what the code does (parsing, Flink
 * CEP, state access, serialization, timers, ...) and by hot method (the sampled top frame).
 *
 * <p>A sample goes to the group of the first frame, from the top of its stack down, whose class
 * falls into one: a {@code HashMap.get} called by Flink's heap state is state access, the same call
 * from the parser is parsing. Frames of the JDK and of unlisted packages are passed over.
 *
 * <pre>{@code
 * BENCH_JVM_OPTS="-Xms4g -Xmx4g -XX:StartFlightRecording=filename=/tmp/esper.jfr,settings=profile" \
 *     benchmarks/run.sh io.vigil.benchmarks.EsperComparison --sensors 1000 --runs 3
 * benchmarks/run.sh io.vigil.benchmarks.JfrProfile /tmp/esper.jfr --side vigil \
 *     --containing DriftProgram.onReading,SharedBuffer.getAccessor
 * }</pre>
 */
public final class JfrProfile {

    /** Groups and the class-name prefixes that mark them, in the order they are tried per frame. */
    private static final Map<String, List<String>> GROUPS = groups();

    private JfrProfile() {}

    private static Map<String, List<String>> groups() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        groups.put(
                "serialization (Flink type serializers)",
                List.of(
                        "org.apache.flink.api.common.typeutils",
                        "org.apache.flink.api.java.typeutils.runtime",
                        "org.apache.flink.core.memory",
                        "org.apache.flink.cep.nfa.NFAStateSerializer",
                        "org.apache.flink.cep.nfa.sharedbuffer.Lockable$LockableTypeSerializer",
                        "org.apache.flink.runtime.io.network.api.serialization",
                        "org.apache.flink.streaming.runtime.streamrecord.StreamElementSerializer"));
        groups.put(
                "timers",
                List.of(
                        "org.apache.flink.streaming.api.operators.InternalTimer",
                        "org.apache.flink.streaming.api.operators.TimerHeapInternalTimer",
                        "org.apache.flink.runtime.state.heap.HeapPriorityQueue",
                        "org.apache.flink.runtime.state.heap.AbstractHeapPriorityQueue",
                        "org.apache.flink.runtime.state.heap.KeyGroupPartitionedPriorityQueue"));
        groups.put(
                "state access (heap keyed state)",
                List.of(
                        "org.apache.flink.runtime.state",
                        "org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer",
                        "io.vigil.cep.engine.PrefixedStateStore"));
        groups.put("CEP NFA", List.of("org.apache.flink.cep"));
        groups.put(
                "watermarks",
                List.of(
                        "org.apache.flink.streaming.runtime.watermarkstatus",
                        "org.apache.flink.streaming.runtime.operators.TimestampsAndWatermarks",
                        "org.apache.flink.api.common.eventtime",
                        "io.vigil.pipeline.FleetWatermarks"));
        groups.put("parsing", List.of("io.vigil.parsing", "com.fasterxml.jackson"));
        groups.put(
                "windows (aggregation)",
                List.of("io.vigil.aggregation", "io.vigil.model.WindowAggregate"));
        groups.put("reading keys (SensorReading)", List.of("io.vigil.model.SensorReading"));
        groups.put("alert lifecycle", List.of("io.vigil.cep.AlertLifecycle"));
        groups.put("engine operator", List.of("io.vigil.cep.engine"));
        groups.put("pattern programs (scoring, silence)", List.of("io.vigil.cep."));
        groups.put(
                "network / shuffle / task mailbox",
                List.of(
                        "org.apache.flink.runtime.io",
                        "org.apache.flink.runtime.partition",
                        "org.apache.flink.streaming.runtime.io",
                        "org.apache.flink.streaming.runtime.partitioner",
                        "org.apache.flink.streaming.runtime.tasks",
                        "org.apache.flink.runtime.taskmanager",
                        "org.apache.flink.shaded.netty4"));
        groups.put(
                "operator chain / outputs",
                List.of("org.apache.flink.streaming.api", "org.apache.flink.streaming.runtime"));
        groups.put("benchmark harness (source, counters)", List.of("io.vigil.benchmarks"));
        groups.put("Esper", List.of("com.espertech"));
        groups.put("other Flink", List.of("org.apache.flink"));
        return groups;
    }

    public static void main(String[] args) throws IOException {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        Predicate<String> side = side(settings.side);
        Map<String, Integer> byGroup = new HashMap<>();
        Map<String, Integer> byMethod = new HashMap<>();
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> containing = new LinkedHashMap<>();
        settings.containing.forEach(method -> containing.put(method, 0));
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(settings.recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedThread thread = event.getThread("sampledThread");
            String threadName = thread == null ? "?" : thread.getJavaName();
            RecordedStackTrace stack = event.getStackTrace();
            if (threadName == null || !side.test(threadName) || stack == null) {
                continue;
            }
            samples++;
            byThread.merge(threadName.replaceAll("#\\d+$", ""), 1, Integer::sum);
            List<RecordedFrame> frames = stack.getFrames();
            byMethod.merge(frames.isEmpty() ? "?" : method(frames.get(0)), 1, Integer::sum);
            byGroup.merge(group(frames), 1, Integer::sum);
            for (String method : settings.containing) {
                if (frames.stream().anyMatch(frame -> method(frame).endsWith(method))) {
                    containing.merge(method, 1, Integer::sum);
                }
            }
        }
        System.out.printf(
                "%s: %d CPU samples (jdk.ExecutionSample) of the %s threads%n",
                settings.recording.getFileName(), samples, settings.side);
        print("by group (first classified frame from the top of the stack)", byGroup, samples, 99);
        print("hot methods (top frame)", byMethod, samples, settings.top);
        print("threads", byThread, samples, settings.top);
        if (!containing.isEmpty()) {
            System.out.printf("%nsamples with the method anywhere on the stack (inclusive):%n");
            for (Map.Entry<String, Integer> entry : containing.entrySet()) {
                System.out.printf(
                        "  %5.1f %%  %6d  %s%n",
                        100.0 * entry.getValue() / samples, entry.getValue(), entry.getKey());
            }
        }
    }

    /** The threads of a side: Esper runs on the driver's main thread, Vigil in Flink's tasks. */
    private static Predicate<String> side(String side) {
        return switch (side) {
            case "esper" -> "main"::equals;
            case "vigil" -> name -> name.matches(".*\\(\\d+/\\d+\\)(#\\d+)?");
            case "all" -> name -> true;
            default -> throw new IllegalArgumentException("--side: vigil, esper or all");
        };
    }

    private static String group(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, List<String>> group : GROUPS.entrySet()) {
                for (String prefix : group.getValue()) {
                    if (type.startsWith(prefix)) {
                        return group.getKey();
                    }
                }
            }
        }
        return "JDK only / unclassified";
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int total, int top) {
        System.out.printf("%n%s:%n", title);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> entry : sorted.subList(0, Math.min(top, sorted.size()))) {
            System.out.printf(
                    "  %5.1f %%  %6d  %s%n",
                    100.0 * entry.getValue() / total, entry.getValue(), entry.getKey());
        }
    }

    /** Command-line settings. */
    @Command(name = "JfrProfile")
    static final class Settings {
        @Parameters(index = "0", description = "the .jfr recording")
        Path recording;

        @Option(names = "--side", description = "vigil (Flink task threads), esper (main) or all")
        String side = "vigil";

        @Option(names = "--top", description = "hot methods and threads to list")
        int top = 25;

        @Option(
                names = "--containing",
                split = ",",
                description =
                        "methods (Class.method, the end of the full name) to count inclusively")
        List<String> containing = List.of();
    }
}
