package io.vigil.cep.live;

/**
 * One change of the pattern files as the job took it: accepted (a new pattern-set version is in
 * force) or rejected (the files did not validate; the running set stays). Written to InfluxDB as a
 * {@code pattern_changes} point.
 *
 * @param version the pattern-set version in force after the change (unchanged when rejected)
 * @param hash the hash of the files' contents
 * @param accepted whether the change took effect
 * @param error the validation errors, or {@code null} when accepted
 * @param patterns the names of the patterns in force after the change, comma-separated
 * @param time wall-clock time of the change, epoch milliseconds
 */
public record PatternChange(
        long version, String hash, boolean accepted, String error, String patterns, long time) {}
