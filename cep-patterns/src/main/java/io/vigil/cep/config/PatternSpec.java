package io.vigil.cep.config;

import java.io.Serializable;
import java.util.List;

/** One validated pattern from a pattern config file; one implementation per pattern type. */
public sealed interface PatternSpec extends Serializable
        permits BurstSpec, DriftSpec, SilenceSpec, RateSpec, FlatlineSpec, SequenceSpec {

    /** Matches every metric when listed in {@link #metrics()}. */
    String ANY_METRIC = "*";

    /** Unique across all loaded files. */
    String name();

    /**
     * {@code burst}, {@code drift}, {@code silence}, {@code rate}, {@code flatline} or {@code
     * sequence}.
     */
    String type();

    /** Free text carried into alerts, e.g. {@code warning} or {@code critical}. */
    String severity();

    /**
     * The metrics (the last topic level) the pattern watches; {@code *} for all. A sequence's are
     * those of its steps.
     */
    List<String> metrics();

    /** How the pattern's alerts resolve, stay quiet, remind and escalate. */
    AlertSettings alerting();

    default boolean appliesTo(String metric) {
        return metrics().contains(ANY_METRIC) || metrics().contains(metric);
    }
}
