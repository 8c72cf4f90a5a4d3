package io.vigil.cep;

/** A value at an event time, as kept in keyed state. */
public record TimedValue(long timestamp, double value) {}
