package io.vigil.job;

import io.vigil.model.DeadLetter;

/** A dead letter with the nanosecond within its arrival millisecond it is stored at. */
public record StampedDeadLetter(DeadLetter deadLetter, int nanoOfMillisecond) {}
