package io.vigil.tools.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the ground truth of a simulation as JSON lines, one {@link Episode} per line.
 *
 * <p>Each line holds {@code kind} ({@code burst}, {@code drift}, {@code silence}, {@code low},
 * {@code leak}, {@code rate}, {@code flatline}, {@code sequence}, {@code malformed}), {@code
 * pattern} (the pattern that must alert, {@code null} for malformed messages) and {@code key}
 * ({@code site/device/metric}; both written for convenience and ignored when read), {@code site},
 * {@code device}, {@code metric}, {@code topic}, {@code startedAt} and {@code endedAt} (epoch
 * milliseconds), {@code events}, {@code peak} ({@code null} when not a number), {@code resolvesAt}
 * (epoch milliseconds, {@code null} for malformed messages) and {@code reason} (the dead-letter
 * code, {@code null} except for malformed messages), as {@link Episode} describes them:
 *
 * <pre>{@code
 * {"kind":"burst","pattern":"sound-burst","key":"plant-a/mic-01/sound","site":"plant-a",
 *  "device":"mic-01","metric":"sound","topic":"sensors/plant-a/mic-01/sound",
 *  "startedAt":1764316861000,"endedAt":1764316864000,"events":4,"peak":101.3,
 *  "resolvesAt":1764316865000,"reason":null}
 * }</pre>
 *
 * (one line in the file).
 */
public final class LabelsFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LabelsFile() {}

    /** Writes the episodes to {@code file}, replacing it. */
    public static void write(Path file, List<Episode> episodes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Episode episode : episodes) {
                writer.write(toJson(episode));
                writer.write('\n');
            }
        }
    }

    /** Reads the episodes written by {@link #write}; blank lines are skipped. */
    public static List<Episode> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Episode> episodes = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                try {
                    episodes.add(fromJson(lines.get(i)));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException(
                            String.format(
                                    "Cannot read labels file %s, line %d: %s",
                                    file, i + 1, e.getMessage()),
                            e);
                }
            }
        }
        return episodes;
    }

    /** One episode as one line of JSON, without the line break. */
    public static String toJson(Episode episode) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("kind", episode.kind().code());
        node.put("pattern", episode.kind().pattern());
        node.put("key", episode.key());
        node.put("site", episode.site());
        node.put("device", episode.device());
        node.put("metric", episode.metric());
        node.put("topic", episode.topic());
        node.put("startedAt", episode.startedAt());
        node.put("endedAt", episode.endedAt());
        node.put("events", episode.events());
        if (Double.isFinite(episode.peak())) {
            node.put("peak", episode.peak());
        } else {
            node.putNull("peak");
        }
        if (episode.kind() == Episode.Kind.MALFORMED) {
            node.putNull("resolvesAt");
        } else {
            node.put("resolvesAt", episode.resolvesAt());
        }
        node.put("reason", episode.reason());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write episode " + episode, e);
        }
    }

    /** The episode of one line written by {@link #toJson}. */
    public static Episode fromJson(String line) throws IOException {
        JsonNode node = MAPPER.readTree(line);
        if (node == null || !node.isObject()) {
            throw new IOException("expected a JSON object, got: " + line);
        }
        Episode.Kind kind = Episode.Kind.ofCode(text(node, "kind"));
        String site = text(node, "site");
        String device = text(node, "device");
        String metric = text(node, "metric");
        String topic = text(node, "topic");
        long startedAt = number(node, "startedAt").longValue();
        long endedAt = number(node, "endedAt").longValue();
        int events = number(node, "events").intValue();
        double peak =
                field(node, "peak").isNull() ? Double.NaN : number(node, "peak").doubleValue();
        // Written since episodes resolve; missing in older files.
        JsonNode resolves = node.get("resolvesAt");
        long resolvesAt =
                resolves == null || resolves.isNull() ? 0 : number(node, "resolvesAt").longValue();
        String reason = field(node, "reason").isNull() ? null : text(node, "reason");
        return new Episode(
                kind,
                site,
                device,
                metric,
                topic,
                startedAt,
                endedAt,
                events,
                peak,
                resolvesAt,
                reason);
    }

    private static JsonNode field(JsonNode node, String name) throws IOException {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new IOException(String.format("field '%s' is missing", name));
        }
        return value;
    }

    private static String text(JsonNode node, String name) throws IOException {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new IOException(String.format("field '%s' is not a string: %s", name, value));
        }
        return value.textValue();
    }

    private static JsonNode number(JsonNode node, String name) throws IOException {
        JsonNode value = field(node, name);
        if (!value.isNumber()) {
            throw new IOException(String.format("field '%s' is not a number: %s", name, value));
        }
        return value;
    }
}
