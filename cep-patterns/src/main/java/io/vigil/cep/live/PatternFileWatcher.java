package io.vigil.cep.live;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigException;
import io.vigil.cep.config.PatternConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;

/**
 * Reads the pattern files every interval and sends what they say: the files' hash and the validated
 * pattern set, or the errors of {@code ./vigil validate}. The engine compares the hash with the set
 * in force, so an unchanged file costs one small record per interval.
 *
 * <p>Files are read through their paths each time, so a file replaced by an atomic rename or a
 * Kubernetes ConfigMap update (a swap of the {@code ..data} symlink) is seen as soon as it is in
 * place; a half-written file fails validation and is rejected until it is complete.
 *
 * <pre>{@code
 * DataStream<PatternSetUpdate> updates =
 *         PatternFileWatcher.updates(env, List.of("/etc/vigil/patterns"), Duration.ofSeconds(5));
 * }</pre>
 */
public final class PatternFileWatcher implements GeneratorFunction<Long, PatternSetUpdate> {

    private static final long serialVersionUID = 1L;

    private final List<String> paths;

    public PatternFileWatcher(List<String> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("No pattern file or directory to watch");
        }
        this.paths = List.copyOf(paths);
    }

    /** A stream of one update per {@code interval}, from one source subtask. */
    public static DataStream<PatternSetUpdate> updates(
            StreamExecutionEnvironment env, List<String> paths, Duration interval) {
        if (interval.toMillis() <= 0) {
            throw new IllegalArgumentException(
                    "The pattern watch interval must be positive, got " + interval);
        }
        DataGeneratorSource<PatternSetUpdate> source =
                new DataGeneratorSource<>(
                        new PatternFileWatcher(paths),
                        Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(1000.0 / interval.toMillis()),
                        TypeInformation.of(PatternSetUpdate.class));
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Pattern files")
                .setParallelism(1)
                .uid("pattern-files")
                .name("Pattern files " + paths);
    }

    @Override
    public PatternSetUpdate map(Long index) throws Exception {
        return read();
    }

    /** What the files say now. */
    public PatternSetUpdate read() throws Exception {
        List<Path> files = paths.stream().map(Path::of).toList();
        String hash = PatternConfigLoader.fingerprint(files);
        String source = String.join(", ", paths);
        try {
            PatternConfig config = PatternConfigLoader.load(files);
            return new PatternSetUpdate(
                    hash, source, null, InstantiationUtil.serializeObject(config));
        } catch (PatternConfigException e) {
            return new PatternSetUpdate(hash, source, e.getMessage(), null);
        }
    }
}
