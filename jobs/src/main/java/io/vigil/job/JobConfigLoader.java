package io.vigil.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads the job's YAML config file (nested or dotted keys, as Flink's own {@code config.yaml}) and
 * applies command-line overrides ({@code --key value}), into flat {@code key -> value} strings.
 *
 * <p>Unknown keys are errors, so a typo never silently falls back to a default. Keys that hold
 * secrets are refused: secrets come from environment variables or files, never from the config file
 * or the command line, where they would end up in shell history and process lists.
 */
public final class JobConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Predicate<String> knownKey;
    private final Set<String> secretKeys;

    /**
     * @param knownKey accepts every key the job understands
     * @param secretKeys keys that must never be given in the file or on the command line
     */
    public JobConfigLoader(Predicate<String> knownKey, Set<String> secretKeys) {
        this.knownKey = knownKey;
        this.secretKeys = Set.copyOf(secretKeys);
    }

    /** Loads {@code file} (may be null for no file) and then applies {@code overrides}. */
    public Map<String, String> load(Path file, List<String> overrides) throws JobConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        if (file != null) {
            readFile(file, values, errors);
        }
        applyOverrides(overrides, values, errors);
        if (!errors.isEmpty()) {
            throw new JobConfigException(String.join(System.lineSeparator(), errors));
        }
        return values;
    }

    private void readFile(Path file, Map<String, String> values, List<String> errors)
            throws JobConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new JobConfigException(String.format("%s: no such file", file));
        } catch (JsonProcessingException e) {
            throw new JobConfigException(
                    String.format("%s: not valid YAML: %s", file, e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new JobConfigException(String.format("%s: cannot read: %s", file, e), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new JobConfigException(
                    String.format("%s: expected a mapping of keys to values at the top", file));
        }
        flatten("", root, file.toString(), values, errors);
    }

    private void flatten(
            String prefix,
            JsonNode node,
            String origin,
            Map<String, String> values,
            List<String> errors) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && !knownKey.test(key)) {
                flatten(key, value, origin, values, errors);
            } else {
                put(key, scalar(value), origin, values, errors);
            }
        }
    }

    private static String scalar(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            // Flink's list syntax: items separated by semicolons.
            return String.join(";", items);
        }
        return value.isNull() ? "" : value.asText();
    }

    private void applyOverrides(
            List<String> overrides, Map<String, String> values, List<String> errors) {
        for (int i = 0; i < overrides.size(); i++) {
            String arg = overrides.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                errors.add(String.format("command line: expected --key value, got '%s'", arg));
                continue;
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < overrides.size()) {
                value = overrides.get(++i);
            } else {
                errors.add(String.format("command line: --%s needs a value", key));
                continue;
            }
            put(key, value, "command line", values, errors);
        }
    }

    private void put(
            String key,
            String value,
            String origin,
            Map<String, String> values,
            List<String> errors) {
        if (secretKeys.contains(key)) {
            errors.add(
                    String.format(
                            "%s: '%s' is a secret and is not accepted here; use '%s-env' (an"
                                    + " environment variable name) or '%s-file' (a file path)",
                            origin, key, key, key));
        } else if (!knownKey.test(key)) {
            errors.add(String.format("%s: unknown key '%s'", origin, key));
        } else {
            values.put(key, value);
        }
    }
}
