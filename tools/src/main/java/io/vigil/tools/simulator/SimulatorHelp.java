package io.vigil.tools.simulator;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The help text of {@code simulate}'s flags, as picocli reads it from a resource bundle: the flag
 * {@code --name} is described by the {@link SimulatorOptions} option {@code simulator.name}, so the
 * command line and the options say the same thing once.
 */
public final class SimulatorHelp extends ResourceBundle {

    private static final String PREFIX = "simulator.";

    private final Map<String, String> descriptions = new TreeMap<>();

    public SimulatorHelp() {
        for (Field field : SimulatorOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                ConfigOption<?> option = option(field);
                // picocli formats descriptions with String.format.
                descriptions.put(
                        option.key().substring(PREFIX.length()),
                        new HtmlFormatter().format(option.description()).replace("%", "%%"));
            }
        }
    }

    private static ConfigOption<?> option(Field field) {
        try {
            return (ConfigOption<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot read " + field, e);
        }
    }

    @Override
    protected Object handleGetObject(String key) {
        return descriptions.get(key);
    }

    @Override
    public Enumeration<String> getKeys() {
        return Collections.enumeration(descriptions.keySet());
    }
}
