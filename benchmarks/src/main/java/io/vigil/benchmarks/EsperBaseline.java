package io.vigil.benchmarks;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.parsing.ParseResult;
import io.vigil.parsing.SensorMessageParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The same analytics as Vigil's core (1-minute window aggregates, burst, drift and silence) in
 * Esper 9 EPL, on one thread, in event time: the baseline of the issue 11 suite.
 *
 * <p>The work per message matches Vigil's: the same {@link SensorMessageParser}, then an event-time
 * ordering buffer (readings are released in event-time order, ties in arrival order, once the
 * newest event time seen is {@code out-of-orderness} ahead of them, as Vigil's watermark does),
 * then Esper with its clock driven by the released readings' times (external timer, no wall clock).
 *
 * <p>Where the EPL differs from Vigil's exact semantics (docs/patterns.md), by construction:
 *
 * <ul>
 *   <li>burst: a run longer than {@code within} is reported at the next reading of the key instead
 *       of when event time passes {@code t1 + within} (same content); a burst still open at the end
 *       of the input is not reported. {@code above-baseline} bursts are not expressed (refused).
 *   <li>drift: when runs overlap, Esper's {@code match_recognize} may report the run that completes
 *       first where Vigil reports the one that starts first.
 *   <li>silence: a reading exactly {@code after} later than the previous one does not prevent the
 *       silence in Esper (its timer fires before the reading of that instant); no processing-time
 *       fallback. At the end of the input, silences whose end lies past the last watermark are not
 *       reported, as in Vigil.
 *   <li>windows: leq is computed as {@code 10 log10(mean(10^(L/10)))} directly.
 * </ul>
 *
 * <p>The class is long (about 420 lines) because the EPL of every pattern and of the windows sits
 * beside the ordering buffer and the result collection, so that the baseline's semantics, and where
 * they differ from Vigil's, are read in one place.
 *
 * <pre>{@code
 * EsperBaseline esper = new EsperBaseline(patterns, Duration.ofMinutes(1), Duration.ofSeconds(5), Set.of("sound"));
 * EsperBaseline.Result result = esper.run(messages);
 * }</pre>
 */
public final class EsperBaseline {

    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    private static final String[] FIELDS = {
        "key", "site", "device", "metric", "ts", "value", "decibel"
    };
    private static final Object[] TYPES = {
        String.class,
        String.class,
        String.class,
        String.class,
        Long.class,
        Double.class,
        Boolean.class
    };

    private final PatternConfig patterns;
    private final long windowMillis;
    private final long outOfOrdernessMillis;
    private final Set<String> decibelMetrics;
    private final String epl;
    private final Configuration configuration;
    private final EPCompiled compiled;

    public EsperBaseline(
            PatternConfig patterns,
            Duration window,
            Duration outOfOrderness,
            Set<String> decibelMetrics) {
        this.patterns = patterns;
        this.windowMillis = window.toMillis();
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.decibelMetrics = decibelMetrics;
        this.epl = epl();
        this.configuration = new Configuration();
        configuration.getCommon().addEventType("Reading", FIELDS, TYPES);
        configuration.getRuntime().getThreading().setInternalTimerEnabled(false);
        configuration.getRuntime().getExecution().setPrioritized(false);
        try {
            this.compiled =
                    EPCompilerProvider.getCompiler()
                            .compile(epl, new CompilerArguments(configuration));
        } catch (EPCompileException e) {
            throw new IllegalStateException("EPL does not compile:\n" + epl, e);
        }
    }

    /** What a run produced, and the input it counted. */
    public record Result(
            long messages,
            long readings,
            long deadLetters,
            List<Alert> alerts,
            List<WindowAggregate> aggregates) {}

    /** The EPL module the runtime deploys. */
    public String module() {
        return epl;
    }

    /** One statement per pattern plus the windows. */
    private String epl() {
        StringBuilder module = new StringBuilder();
        module.append(
                String.format(
                        Locale.ROOT,
                        "@name('aggregates') select key, count(*) as n, min(ts) as firstTs,"
                            + " min(value) as lo, max(value) as hi, avg(value) as mean,"
                            + " stddev(value) as sd, last(value) as lastValue, avg(case when"
                            + " decibel then Math.pow(10, value / 10) end) as energy, sum(case when"
                            + " decibel then 1 else 0 end) as decibels from Reading#time_batch(%d"
                            + " msec, 0L) group by key having count(*) > 0;%n",
                        windowMillis));
        for (PatternSpec spec : patterns.patterns()) {
            if (spec instanceof BurstSpec burst) {
                module.append(burst(burst));
            } else if (spec instanceof DriftSpec drift) {
                module.append(drift(drift));
            } else if (spec instanceof SilenceSpec silence) {
                module.append(silence(silence));
            }
        }
        return module.toString();
    }

    private static String filter(PatternSpec spec) {
        if (spec.metrics().contains(PatternSpec.ANY_METRIC)) {
            return "Reading";
        }
        return spec.metrics().stream()
                .map(metric -> "'" + metric.replace("'", "\\'") + "'")
                .collect(Collectors.joining(", ", "Reading(metric in (", "))"));
    }

    private static String burst(BurstSpec spec) {
        if (spec.isRelativeToBaseline() || spec.below()) {
            throw new IllegalArgumentException(
                    "The Esper baseline expresses only bursts above a fixed threshold, not '"
                            + spec.name()
                            + "'");
        }
        double threshold = spec.threshold();
        long within = spec.within().toMillis();
        String loudRun = spec.minEvents() > 1 ? "B{" + (spec.minEvents() - 1) + ",}" : "B*";
        // A starts a run (its predecessor is quiet, far earlier or unknown); B are the further loud
        // readings within the window; C is the first reading that is not: it ends the match.
        return String.format(
                Locale.ROOT,
                "@name('%1$s') select * from %2$s match_recognize (partition by key measures A.key"
                    + " as key, A.site as site, A.device as device, A.metric as metric, A.ts as"
                    + " startedAt, coalesce(B.lastOf().ts, A.ts) as endedAt, B.countOf() + 1 as"
                    + " eventCount, max(coalesce(B.max(b => b.value), A.value), A.value) as peak"
                    + " after match skip past last row pattern (A %5$s C) define A as A.value >"
                    + " %3$s and (prev(A.value) is null or prev(A.value) <= %3$s or A.ts -"
                    + " prev(A.ts) > %4$d), B as B.value > %3$s and B.ts - A.ts <= %4$d, C as not"
                    + " (C.value > %3$s and C.ts - A.ts <= %4$d));%n",
                spec.name(),
                filter(spec),
                Double.toString(threshold),
                within,
                loudRun);
    }

    private static String drift(DriftSpec spec) {
        long within = spec.within().toMillis();
        // The reluctant R*? gives each start its earliest completing reading E ({n,}? does not
        // parse).
        return String.format(
                Locale.ROOT,
                "@name('%1$s') select * from %2$s match_recognize (partition by key"
                        + " measures S.key as key, S.site as site, S.device as device,"
                        + " S.metric as metric, S.ts as startedAt, E.ts as endedAt,"
                        + " R.countOf() + 2 as eventCount,"
                        + " max(coalesce(R.max(r => r.value), S.value), S.value, E.value) as peak"
                        + " after match skip past last row pattern (S %3$sR*? E) define"
                        + " R as R.value >= prev(R.value) - %4$s and R.ts - S.ts <= %5$d,"
                        + " E as E.value >= prev(E.value) - %4$s and E.ts - S.ts <= %5$d"
                        + " and E.value - S.value >= %6$s);%n",
                spec.name(),
                filter(spec),
                "R ".repeat(Math.max(0, spec.minEvents() - 2)),
                Double.toString(spec.tolerance()),
                within,
                Double.toString(spec.minRise()));
    }

    private static String silence(SilenceSpec spec) {
        return String.format(
                Locale.ROOT,
                "@name('%1$s') select a.key as key, a.site as site, a.device as device,"
                        + " a.metric as metric, a.ts as startedAt, a.value as peak"
                        + " from pattern [every a=%2$s -> (timer:interval(%3$d msec)"
                        + " and not %4$s)];%n",
                spec.name(),
                filter(spec),
                spec.after().toMillis(),
                filter(spec).equals("Reading")
                        ? "Reading(key = a.key)"
                        : filter(spec).replace("))", "), key = a.key)"));
    }

    /** Parses, orders and runs every message through a fresh Esper runtime on this thread. */
    public Result run(RawMessage[] messages) {
        SensorMessageParser parser = SensorMessageParser.withDefaults();
        EPRuntime runtime =
                EPRuntimeProvider.getRuntime(
                        "vigil-baseline-" + RUNTIMES.incrementAndGet(), configuration);
        try {
            return run(messages, parser, runtime, compiled);
        } finally {
            runtime.destroy();
        }
    }

    private Result run(
            RawMessage[] messages,
            SensorMessageParser parser,
            EPRuntime runtime,
            EPCompiled compiled) {
        EPEventService events = runtime.getEventService();
        List<Alert> alerts = new ArrayList<>();
        List<WindowAggregate> aggregates = new ArrayList<>();
        long[] endOfInput = {Long.MAX_VALUE};
        PriorityQueue<Pending> buffer = new PriorityQueue<>();
        long readings = 0;
        long deadLetters = 0;
        long sequence = 0;
        long newest = Long.MIN_VALUE;
        boolean started = false;
        for (RawMessage message : messages) {
            ParseResult parsed = parser.parse(message);
            deadLetters += parsed.deadLetters().size();
            for (SensorReading reading : parsed.readings()) {
                if (!started) {
                    // Esper's clock starts before the first reading, so the first batch is aligned.
                    events.clockExternal();
                    events.advanceTime(reading.timestamp() - outOfOrdernessMillis);
                    deploy(runtime, compiled, alerts, aggregates, endOfInput);
                    started = true;
                }
                readings++;
                buffer.add(new Pending(reading, sequence++));
                newest = Math.max(newest, reading.timestamp());
            }
            release(events, buffer, newest - outOfOrdernessMillis);
        }
        // The end of the input: what is still open closes as Vigil's final watermark closes it, but
        // silences past the last watermark are not reported.
        endOfInput[0] = newest - outOfOrdernessMillis;
        release(events, buffer, Long.MAX_VALUE);
        if (started) {
            long lastWindowEnd = Math.floorDiv(newest, windowMillis) * windowMillis + windowMillis;
            events.advanceTime(Math.max(events.getCurrentTime(), lastWindowEnd));
        }
        return new Result(messages.length, readings, deadLetters, alerts, aggregates);
    }

    private void release(EPEventService events, PriorityQueue<Pending> buffer, long watermark) {
        while (!buffer.isEmpty() && buffer.peek().reading.timestamp() <= watermark) {
            SensorReading reading = buffer.poll().reading;
            if (reading.timestamp() > events.getCurrentTime()) {
                events.advanceTime(reading.timestamp());
            }
            boolean decibel = decibelMetrics.contains(reading.metric()) || reading.isDecibel();
            events.sendEventObjectArray(
                    new Object[] {
                        reading.key(),
                        reading.site(),
                        reading.device(),
                        reading.metric(),
                        reading.timestamp(),
                        reading.value(),
                        decibel
                    },
                    "Reading");
        }
    }

    private void deploy(
            EPRuntime runtime,
            EPCompiled compiled,
            List<Alert> alerts,
            List<WindowAggregate> aggregates,
            long[] endOfInput) {
        EPDeployment deployment;
        try {
            deployment = runtime.getDeploymentService().deploy(compiled);
        } catch (EPDeployException e) {
            throw new IllegalStateException("EPL does not deploy", e);
        }
        for (EPStatement statement : deployment.getStatements()) {
            String name = statement.getName();
            if (name.equals("aggregates")) {
                statement.addListener(
                        (newEvents, oldEvents, s, r) -> {
                            if (newEvents == null) {
                                return;
                            }
                            for (EventBean row : newEvents) {
                                aggregates.add(aggregate(row));
                            }
                        });
                continue;
            }
            PatternSpec spec =
                    patterns.patterns().stream()
                            .filter(p -> p.name().equals(name))
                            .findFirst()
                            .orElseThrow();
            statement.addListener(
                    (newEvents, oldEvents, s, r) -> {
                        if (newEvents == null) {
                            return;
                        }
                        for (EventBean row : newEvents) {
                            Alert alert = alert(spec, row);
                            if (spec instanceof SilenceSpec && alert.endedAt() > endOfInput[0]) {
                                continue;
                            }
                            alerts.add(alert);
                        }
                    });
        }
    }

    private WindowAggregate aggregate(EventBean row) {
        // Readings are released in event-time order, so a batch holds one aligned window.
        long firstTs = ((Number) row.get("firstTs")).longValue();
        long windowStart = firstTs - Math.floorMod(firstTs, windowMillis);
        Number energy = (Number) row.get("energy");
        long decibels = ((Number) row.get("decibels")).longValue();
        double leq =
                decibels == 0 || energy == null
                        ? Double.NaN
                        : 10 * Math.log10(energy.doubleValue());
        Number sd = (Number) row.get("sd");
        // Only the key is selected: a property outside the group-by would give a row per event.
        String[] key = ((String) row.get("key")).split("/", 3);
        return new WindowAggregate(
                key[0],
                key[1],
                key[2],
                formatWindow(windowMillis),
                windowStart,
                windowStart + windowMillis,
                ((Number) row.get("n")).longValue(),
                ((Number) row.get("lo")).doubleValue(),
                ((Number) row.get("hi")).doubleValue(),
                ((Number) row.get("mean")).doubleValue(),
                sd == null ? 0.0 : sd.doubleValue(),
                ((Number) row.get("lastValue")).doubleValue(),
                leq);
    }

    private static String formatWindow(long millis) {
        return millis % 60_000 == 0 ? millis / 60_000 + "m" : millis + "ms";
    }

    private static Alert alert(PatternSpec spec, EventBean row) {
        long startedAt = ((Number) row.get("startedAt")).longValue();
        long endedAt;
        int events;
        if (spec instanceof SilenceSpec silence) {
            endedAt = startedAt + silence.after().toMillis();
            events = 0;
        } else {
            endedAt = ((Number) row.get("endedAt")).longValue();
            events = ((Number) row.get("eventCount")).intValue();
        }
        return new Alert(
                spec.name(),
                spec.type(),
                spec.severity(),
                (String) row.get("site"),
                (String) row.get("device"),
                (String) row.get("metric"),
                startedAt,
                endedAt,
                events,
                ((Number) row.get("peak")).doubleValue(),
                "esper");
    }

    /** A reading waiting in the ordering buffer: by event time, then by arrival. */
    private record Pending(SensorReading reading, long sequence) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending other) {
            int byTime = Long.compare(reading.timestamp(), other.reading.timestamp());
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
