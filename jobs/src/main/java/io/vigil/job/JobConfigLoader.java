package io.vigil.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the job's YAML config file (nested or dotted keys, as Flink's own {@code config.yaml}) and
 * applies command-line overrides ({@code --key value}), into flat {@code key -> value} strings.
 *
 * <p>Unknown keys are errors, so a typo never silently falls back to a default. Keys that hold
 * secrets are refused: secrets come from environment variables or files, never from the config file
 * or the command line, where they would end up in shell history and process lists. Besides the
 * given secret keys, every key that looks like one ({@code password}, {@code secret}, {@code token}
 * ... in its name, not ending in {@code -env} or {@code -file}) is refused, and so is a URL with a
 * password in its user info; no error message repeats a value of the file or the command line that
 * could be a secret.
 *
 * <p>Nested mappings become dotted keys at any depth, for Flink's namespaces too; YAML anchors and
 * aliases ({@code &q}, {@code *q}, {@code <<: *base}) resolve to the anchored value.
 */
public final class JobConfigLoader {

    /** Name parts that mark a key as holding a secret. */
    private static final List<String> SECRET_WORDS =
            List.of(
                    "password",
                    "passwd",
                    "secret",
                    "token",
                    "credential",
                    "api-key",
                    "apikey",
                    "private-key");

    /** Suffixes of the keys that name where a secret lives rather than hold it. */
    private static final List<String> SECRET_REFERENCE_SUFFIXES = List.of("-env", "-file");

    /**
     * A URL whose user info holds a password: the connectors name their broker or database URL in
     * connect errors and logs, so such a password would leave with them.
     */
    private static final Pattern URL_WITH_PASSWORD =
            Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s;]*:[^/@\\s;]*@");

    private final Predicate<String> knownKey;
    private final Set<String> secretKeys;

    /**
     * @param knownKey accepts every key the job understands
     * @param secretKeys keys that must never be given in the file or on the command line (keys that
     *     look like secrets are refused as well)
     */
    public JobConfigLoader(Predicate<String> knownKey, Set<String> secretKeys) {
        this.knownKey = knownKey;
        this.secretKeys = Set.copyOf(secretKeys);
    }

    /**
     * True for a key whose name says it holds a secret ({@code mqtt.tls.truststore.password}), but
     * not for one that names an environment variable or a file holding it ({@code
     * mqtt.password-env}).
     */
    public static boolean looksLikeSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains)
                && SECRET_REFERENCE_SUFFIXES.stream().noneMatch(lower::endsWith);
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
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // compose(), not load(): the node tree keeps every scalar's text as written and its
            // line, and the composer has already replaced each alias by the node it names.
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (NoSuchFileException e) {
            throw new JobConfigException(String.format("%s: no such file", file));
        } catch (MarkedYAMLException e) {
            // Only the problem and its place: SnakeYAML's own message quotes the offending line,
            // which may hold a secret.
            throw new JobConfigException(
                    String.format(
                            "%s: not valid YAML: line %d: %s",
                            file, line(e.getProblemMark()), e.getProblem()),
                    e);
        } catch (YAMLException e) {
            throw new JobConfigException(String.format("%s: not valid YAML", file), e);
        } catch (IOException e) {
            throw new JobConfigException(String.format("%s: cannot read: %s", file, e), e);
        }
        if (root == null || root.getTag().equals(Tag.NULL)) {
            return;
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new JobConfigException(
                    String.format("%s: expected a mapping of keys to values at the top", file));
        }
        flatten("", mapping, file.toString(), values, errors);
    }

    private void flatten(
            String prefix,
            MappingNode mapping,
            String file,
            Map<String, String> values,
            List<String> errors) {
        // Merged mappings (<<: *base) first, so that the mapping's own keys win over them.
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
                merge(prefix, tuple.getValueNode(), file, values, errors);
            }
        }
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode.getTag().equals(Tag.MERGE)) {
                continue;
            }
            String where = file + ":" + line(keyNode.getStartMark());
            if (!(keyNode instanceof ScalarNode name)) {
                errors.add(String.format("%s: keys must be plain names", where));
                continue;
            }
            String key = prefix.isEmpty() ? name.getValue() : prefix + "." + name.getValue();
            Node value = tuple.getValueNode();
            if (value instanceof MappingNode nested) {
                flatten(key, nested, file, values, errors);
            } else if (!prefix.isEmpty() && knownKey.test(prefix) && !knownKey.test(key)) {
                // A mapping under one of Vigil's own keys (qos: {level: 1}): name that key, not
                // the made-up one below it.
                errors.add(
                        String.format(
                                "%s: '%s' takes a single value (or a list), not a mapping",
                                where, prefix));
            } else {
                put(key, scalar(value), file, values, errors);
            }
        }
    }

    private void merge(
            String prefix,
            Node merged,
            String file,
            Map<String, String> values,
            List<String> errors) {
        if (merged instanceof MappingNode mapping) {
            flatten(prefix, mapping, file, values, errors);
        } else if (merged instanceof SequenceNode sequence) {
            sequence.getValue().forEach(item -> merge(prefix, item, file, values, errors));
        } else {
            errors.add(
                    String.format(
                            "%s:%d: '<<' merges mappings only", file, line(merged.getStartMark())));
        }
    }

    private static String scalar(Node value) {
        if (value instanceof SequenceNode sequence) {
            List<String> items = new ArrayList<>();
            sequence.getValue().forEach(item -> items.add(scalar(item)));
            // Flink's list syntax: items separated by semicolons.
            return String.join(";", items);
        }
        if (value instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
            return scalar.getValue();
        }
        return "";
    }

    private static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }

    private void applyOverrides(
            List<String> overrides, Map<String, String> values, List<String> errors) {
        for (int i = 0; i < overrides.size(); i++) {
            String arg = overrides.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                // The argument itself is not repeated: a stray value may be a secret.
                errors.add(
                        String.format(
                                "command line: expected --key value, got a value without a key"
                                        + " (argument %d)",
                                i + 1));
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
        if (secretKeys.contains(key) || looksLikeSecret(key)) {
            errors.add(
                    String.format(
                            "%s: '%s' is a secret and is not accepted here; use '%s-env' (an"
                                    + " environment variable name) or '%s-file' (a file path)",
                            origin, key, key, key));
        } else if (URL_WITH_PASSWORD.matcher(value).find()) {
            errors.add(
                    String.format(
                            "%s: '%s' has a URL with a password in it (scheme://user:password@);"
                                    + " give the user in the matching *.username key and the"
                                    + " password through its -env or -file key",
                            origin, key));
        } else if (!knownKey.test(key)) {
            errors.add(String.format("%s: unknown key '%s'", origin, key));
        } else {
            values.put(key, value);
        }
    }
}
