package io.vigil.cep;

import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.util.List;

/**
 * The {@code drift} pattern: a slow, steady rise, e.g. a pump heating up.
 *
 * <p>Exact semantics, per key {@code (site, device, metric)}, over the readings {@code r1, r2, ...}
 * in event-time order (ties in arrival order):
 *
 * <ul>
 *   <li>The consecutive readings {@code rs..re} form a <em>qualifying run</em> when there are at
 *       least {@code min-events} of them, {@code time(re) - time(rs) <= within}, each one after
 *       {@code rs} is not lower than the one before it minus {@code tolerance}, and {@code
 *       value(re) - value(rs) >= min-rise}.
 *   <li>Alerts are what this procedure yields: start with {@code from = r1}; take the qualifying
 *       run with the earliest start {@code rs} at or after {@code from}, and for that start the
 *       earliest end {@code re}; alert for it; continue with {@code from} = the reading after
 *       {@code re}. So one run gives one alert, the alert reports the run from its earliest
 *       possible start up to the first reading that completes it, and a new run starts after it.
 *   <li>The alert carries {@code startedAt = time(rs)}, {@code endedAt = time(re)}, {@code events}
 *       = the number of readings in the run, {@code peak} = their maximum.
 *   <li>It is emitted once the watermark has passed {@code re} and no run starting earlier can
 *       still qualify: at {@code re}, or up to {@code within} later when an earlier-starting run is
 *       still open (CEP releases matches in the order of their starts).
 * </ul>
 *
 * <p>Implementation: {@link DriftProgram}, hosted in the engine, runs this procedure directly over
 * the key's readings in event-time order, keeping the readings of the current unbroken stretch that
 * can still begin the reported run; a flat or noisy signal costs one comparison per reading of the
 * last {@code within}. It is not a Flink CEP pattern: as one ({@code first rising* last}, strict
 * contiguity, {@code within}, skip past last event), every reading that keeps up began a partial
 * match that stayed open for {@code within}, and a JFR profile of the job at 10 000 messages/s
 * through Mosquitto, with a steady temperature per sensor, put 52 % of all CPU samples in Flink
 * CEP's NFA (26 % in {@code DeweyNumber.isCompatibleWith} alone), with 36 s of garbage-collection
 * pauses in 206 s (docs/benchmarks.md). The reference model in {@code DriftPatternTest} checks the
 * procedure on random readings. A key that stops sending leaves no state once event time has passed
 * its last reading by {@code within}.
 *
 * <pre>{@code
 * DriftSpec spec = new DriftSpec(
 *         "pump-drift", "critical", List.of("temperature"), 5, Duration.ofMinutes(10), 0.3, 4.0);
 * PatternProgram program = new DriftPattern(spec).program(); // hosted by PatternEngineOperator
 * }</pre>
 */
public final class DriftPattern extends SpecPattern<DriftSpec> {

    private static final long serialVersionUID = 1L;

    public DriftPattern(DriftSpec spec) {
        super(spec);
        checkMinEvents(2, spec.minEvents());
        checkPositive("within", spec.within());
        check(spec.tolerance() >= 0, "tolerance must not be negative, got %s", spec.tolerance());
        check(spec.minRise() > 0, "min-rise must be positive, got %s", spec.minRise());
    }

    @Override
    public PatternProgram program() {
        return new DriftProgram(this);
    }

    /** The alert for one qualifying run, its readings in order. */
    Alert alert(List<SensorReading> readings) {
        PatternAlerts.Run run = new PatternAlerts.Run(readings);
        SensorReading first = run.first();
        SensorReading last = run.last();
        return run.alert(
                spec,
                spec.falling(),
                String.format(
                        "%s %s%s from %s to %s over %s",
                        spec.falling() ? "falling" : "rising",
                        AlertText.number(Math.abs(last.value() - first.value())),
                        run.unit(),
                        AlertText.number(first.value()),
                        AlertText.number(last.value()),
                        AlertText.seconds(run.millis())));
    }
}
