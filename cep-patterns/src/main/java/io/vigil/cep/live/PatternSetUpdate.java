package io.vigil.cep.live;

/**
 * What the pattern files say at one moment, as {@link PatternFileWatcher} sends it to every engine
 * subtask: their hash, and either the validated pattern set or the validation errors.
 *
 * <p>A POJO (public fields, no-argument constructor), so that Flink serializes it without Kryo.
 */
public class PatternSetUpdate {

    /** {@link io.vigil.cep.config.PatternConfigLoader#fingerprint} of the files. */
    public String hash;

    /** The watched files and directories, for messages. */
    public String source;

    /** Every validation error, one per line, or {@code null} when the files are valid. */
    public String error;

    /** The validated {@link io.vigil.cep.config.PatternConfig}, Java-serialized; null on error. */
    public byte[] patterns;

    public PatternSetUpdate() {}

    PatternSetUpdate(String hash, String source, String error, byte[] patterns) {
        this.hash = hash;
        this.source = source;
        this.error = error;
        this.patterns = patterns;
    }
}
