package io.vigil.parsing;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * Runs {@link FuzzPayloads} inputs through the real parser and its Flink function and keeps the
 * figures: every input must end as readings or dead letters with a reason, no exception may escape
 * (nor reach the parser's last-resort catch), and what one message yields stays within the caps.
 *
 * <p>Each input goes through {@link ParseFunction} (and so {@link SensorMessageParser}) on a test
 * harness: what it emits (the dead letters capped at {@link
 * ParseFunction#MAX_DEAD_LETTERS_PER_MESSAGE} plus one summary) is checked against what its metrics
 * counted for the message (every reading and dead letter, by reason).
 */
final class ParserFuzz {

    /** A dead letter's detail is for people: a sentence and a short quote, never the payload. */
    static final int MAX_DETAIL_CHARS = 1024;

    /**
     * The shortest payload text that yields a reading in an array is {@code {"v":0}}: 7 bytes, plus
     * a separator; so a message yields at most one reading per 7 bytes (and 1 for a bare number).
     */
    static final int MIN_BYTES_PER_READING = 7;

    private static final Set<String> REASON_CODES =
            SensorMessageParser.REASONS.stream()
                    .map(DeadLetterReason::code)
                    .collect(Collectors.toSet());

    private static final int MAX_PROBLEMS_KEPT = 20;

    private final SensorMessageParser parser = SensorMessageParser.withDefaults();
    private final long seed;
    private final long inputs;

    private final Map<FuzzPayloads.Kind, Long> byKind = new EnumMap<>(FuzzPayloads.Kind.class);
    private final Map<String, Long> deadLettersByReason = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private long problemCount;
    private long exceptions;
    private long lastResortCatches;
    private long unaccounted;
    private long capViolations;
    private long withReadings;
    private long withDeadLetters;
    private long readings;
    private long deadLetters;
    private long deadLettersEmitted;
    private long summariesEmitted;
    private long maxReadingsPerMessage;
    private long maxDeadLettersPerMessage;
    private long maxDeadLettersEmittedPerMessage;
    private long maxDetailChars;
    private long maxDeadLetterPayloadBytes;
    private long maxPayloadBytes;
    private long slowestNanos;
    private String slowest = "";
    private long maxDeadLetterTopicChars;
    private Duration duration = Duration.ZERO;
    private Duration cpuTime = Duration.ZERO;
    private Instant startedAt;

    ParserFuzz(long seed, long inputs) {
        this.seed = seed;
        this.inputs = inputs;
    }

    /** Runs every input; returns this, with its figures. */
    ParserFuzz run() throws Exception {
        startedAt = Instant.now();
        long start = System.nanoTime();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        try (MockEnvironment environment = RecordingMetrics.environment(counters);
                OneInputStreamOperatorTestHarness<RawMessage, SensorReading> harness =
                        new OneInputStreamOperatorTestHarness<>(
                                new ProcessOperator<>(new ParseFunction(parser)), environment)) {
            harness.open();
            Counter readingsParsed = counters.get(ParseFunction.READINGS_PARSED);
            Counter deadLettersCounted = counters.get(ParseFunction.DEAD_LETTERS_METRIC);
            for (long i = 0; i < inputs; i++) {
                FuzzPayloads.Input input = FuzzPayloads.input(seed, i);
                byKind.merge(input.kind(), 1L, Long::sum);
                long readingsBefore = readingsParsed.getCount();
                long deadBefore = deadLettersCounted.getCount();
                long before = System.nanoTime();
                List<SensorReading> emitted;
                List<DeadLetter> emittedDead = new ArrayList<>();
                try {
                    harness.processElement(
                            new StreamRecord<>(input.message(), input.message().arrivalTime()));
                    emitted = harness.extractOutputValues();
                    harness.getOutput().clear();
                    Queue<StreamRecord<DeadLetter>> side =
                            harness.getSideOutput(ParseFunction.DEAD_LETTERS);
                    if (side != null) {
                        side.forEach(r -> emittedDead.add(r.getValue()));
                        side.clear();
                    }
                } catch (Throwable e) {
                    // Errors too: a stack overflow or out-of-memory on one payload kills a task.
                    exceptions++;
                    problem(i, input, "threw " + e);
                    continue;
                }
                long took = System.nanoTime() - before;
                if (took > slowestNanos) {
                    slowestNanos = took;
                    slowest = describe(i, input);
                }
                check(
                        i,
                        input,
                        emitted,
                        emittedDead,
                        readingsParsed.getCount() - readingsBefore,
                        deadLettersCounted.getCount() - deadBefore);
            }
            for (String code : REASON_CODES) {
                long count =
                        counters.get(ParseFunction.DEAD_LETTERS_METRIC + "[" + code + "]")
                                .getCount();
                if (count > 0) {
                    deadLettersByReason.put(code, count);
                }
            }
        }
        duration = Duration.ofNanos(System.nanoTime() - start);
        cpuTime = Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuStart);
        return this;
    }

    /**
     * Checks one input's outputs: {@code readingCount} and {@code deadCount} are what the
     * function's metrics counted for it, before the cap on the dead letters emitted.
     */
    private void check(
            long index,
            FuzzPayloads.Input input,
            List<SensorReading> emitted,
            List<DeadLetter> emittedDead,
            long readingCount,
            long deadCount) {
        RawMessage message = input.message();
        readings += readingCount;
        deadLetters += deadCount;
        withReadings += readingCount > 0 ? 1 : 0;
        withDeadLetters += deadCount > 0 ? 1 : 0;
        maxReadingsPerMessage = Math.max(maxReadingsPerMessage, readingCount);
        maxDeadLettersPerMessage = Math.max(maxDeadLettersPerMessage, deadCount);
        int payloadBytes = message.payload() == null ? 0 : message.payload().length;
        maxPayloadBytes = Math.max(maxPayloadBytes, payloadBytes);
        if (readingCount + deadCount == 0) {
            unaccounted++;
            problem(index, input, "neither a reading nor a dead letter");
        }
        for (SensorReading reading : emitted) {
            if (!Double.isFinite(reading.value()) || reading.timestamp() < 0) {
                problem(index, input, "reading out of the contract: " + reading);
                capViolations++;
            }
        }

        deadLettersEmitted += emittedDead.size();
        maxDeadLettersEmittedPerMessage =
                Math.max(maxDeadLettersEmittedPerMessage, emittedDead.size());
        long represented = 0;
        for (DeadLetter dead : emittedDead) {
            represented += dead.count();
            summariesEmitted += dead.count() > 1 ? 1 : 0;
            if (!REASON_CODES.contains(dead.reason()) || dead.detail().isBlank()) {
                unaccounted++;
                problem(index, input, "dead letter without a parser reason or detail: " + dead);
            }
            if (dead.detail().startsWith("payload could not be parsed")) {
                lastResortCatches++;
                problem(index, input, "reached the parser's last-resort catch: " + dead.detail());
            }
            int detailChars = dead.detail().length();
            int deadPayloadBytes = dead.payload().getBytes(StandardCharsets.UTF_8).length;
            maxDetailChars = Math.max(maxDetailChars, detailChars);
            maxDeadLetterPayloadBytes = Math.max(maxDeadLetterPayloadBytes, deadPayloadBytes);
            maxDeadLetterTopicChars =
                    Math.max(
                            maxDeadLetterTopicChars,
                            dead.topic() == null ? 0 : dead.topic().length());
            if (detailChars > MAX_DETAIL_CHARS || deadPayloadBytes > DeadLetter.MAX_PAYLOAD_BYTES) {
                capViolations++;
                problem(
                        index,
                        input,
                        String.format(
                                "dead letter of %d detail chars, %d payload bytes: %s",
                                detailChars, deadPayloadBytes, shorten(dead.detail())));
            }
        }
        if (emitted.size() != readingCount || represented != deadCount) {
            unaccounted++;
            problem(
                    index,
                    input,
                    String.format(
                            "the function emitted %d readings and dead letters for %d, its"
                                    + " metrics counted %d and %d",
                            emitted.size(), represented, readingCount, deadCount));
        }
        if (emittedDead.size() > ParseFunction.MAX_DEAD_LETTERS_PER_MESSAGE + 1
                || readingCount > Math.max(1, payloadBytes / MIN_BYTES_PER_READING)) {
            capViolations++;
            problem(
                    index,
                    input,
                    String.format(
                            "%d readings and %d dead letters emitted for %d payload bytes",
                            readingCount, emittedDead.size(), payloadBytes));
        }
    }

    private void problem(long index, FuzzPayloads.Input input, String what) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS_KEPT) {
            problems.add(describe(index, input) + ": " + what);
        }
    }

    private String describe(long index, FuzzPayloads.Input input) {
        RawMessage message = input.message();
        byte[] payload = message.payload() == null ? new byte[0] : message.payload();
        return String.format(
                "input %d (seed %d, %s, topic of %s chars, payload of %d bytes: %s)",
                index,
                seed,
                input.kind(),
                message.topic() == null ? "no" : Integer.toString(message.topic().length()),
                payload.length,
                shorten(new String(payload, StandardCharsets.UTF_8)));
    }

    private static String shorten(String text) {
        String oneLine = text.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 80) + "...";
    }

    long exceptions() {
        return exceptions;
    }

    long lastResortCatches() {
        return lastResortCatches;
    }

    long unaccounted() {
        return unaccounted;
    }

    long capViolations() {
        return capViolations;
    }

    long withReadings() {
        return withReadings;
    }

    long withDeadLetters() {
        return withDeadLetters;
    }

    Map<String, Long> deadLettersByReason() {
        return deadLettersByReason;
    }

    Map<FuzzPayloads.Kind, Long> byKind() {
        return byKind;
    }

    List<String> problems() {
        return problems;
    }

    /** The figures, one {@code name: value} per line. */
    String figures() {
        StringBuilder text = new StringBuilder();
        line(text, "run", "parser fuzz (SensorMessageParser + ParseFunction, default options)");
        line(text, "started", startedAt);
        line(text, "seed", seed);
        line(text, "inputs", inputs);
        line(text, "duration", String.format("%.1f s", duration.toMillis() / 1000.0));
        // Wall-clock time depends on what else the machine runs; the thread's CPU time does not.
        line(
                text,
                "cpu time of the fuzzing thread",
                String.format("%.1f s", cpuTime.toMillis() / 1000.0));
        line(
                text,
                "inputs per second",
                String.format("%.0f", inputs / Math.max(1e-9, duration.toNanos() / 1e9)));
        line(text, "cores", Runtime.getRuntime().availableProcessors());
        line(text, "java", System.getProperty("java.version"));
        line(text, "inputs by kind", byKind);
        line(text, "inputs with readings", withReadings);
        line(text, "inputs with dead letters", withDeadLetters);
        line(text, "readings", readings);
        line(text, "dead letters", deadLetters);
        line(text, "dead letters by reason", deadLettersByReason);
        line(text, "dead letters emitted (after the per-message cap)", deadLettersEmitted);
        line(text, "summary dead letters emitted", summariesEmitted);
        line(text, "exceptions escaping", exceptions);
        line(text, "last-resort catches in the parser", lastResortCatches);
        line(text, "inputs unaccounted for", unaccounted);
        line(text, "cap violations", capViolations);
        line(text, "max readings per message", maxReadingsPerMessage);
        line(text, "max dead letters per message (parser)", maxDeadLettersPerMessage);
        line(text, "max dead letters emitted per message", maxDeadLettersEmittedPerMessage);
        line(text, "max dead letter detail (chars)", maxDetailChars);
        line(text, "max dead letter payload (bytes)", maxDeadLetterPayloadBytes);
        line(
                text,
                "max dead letter topic (chars, not capped: MQTT allows 65535)",
                maxDeadLetterTopicChars);
        line(text, "largest input payload (bytes)", maxPayloadBytes);
        line(text, "slowest input", String.format("%.1f ms, %s", slowestNanos / 1e6, slowest));
        line(text, "problems", problemCount);
        for (String problem : problems) {
            line(text, "problem", problem);
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String name, Object value) {
        text.append(name).append(": ").append(value).append('\n');
    }

    /** Writes the figures to {@code file} (creating its folder) and returns them. */
    String writeFigures(Path file) throws IOException {
        String figures = figures();
        Files.createDirectories(file.getParent());
        Files.writeString(file, figures);
        return figures;
    }
}
