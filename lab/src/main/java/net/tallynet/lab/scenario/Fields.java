package net.tallynet.lab.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** One mapping of a scenario file, read field by field; {@link #done()} refuses the keys nobody asked for. */
final class Fields {
    private final String path;
    private final JsonNode node;
    private final Set<String> read = new HashSet<>();

    private Fields(String path, JsonNode node) {
        this.path = path;
        this.node = node;
    }

    /** A mapping at {@code path}; absent (null) reads as an empty one. */
    static Fields of(String path, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Fields(path, JsonNodeFactory.instance.objectNode());
        }
        if (!node.isObject()) {
            throw new ScenarioException(path + ": a mapping of keys to values, not " + node);
        }
        return new Fields(path, node);
    }

    String where(String key) {
        return path.equals("scenario") ? key : key.isEmpty() ? path + ": " : path + "." + key;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    JsonNode get(String key) {
        read.add(key);
        return node.get(key);
    }

    List<String> names() {
        List<String> names = new ArrayList<>(node.propertyNames());
        read.addAll(names);
        return names;
    }

    Fields object(String key) {
        return Fields.of(where(key), get(key));
    }

    List<JsonNode> list(String key) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new ScenarioException(where(key) + ": a list");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    String text(String key, String fallback) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw new ScenarioException(where(key) + ": required");
            }
            return fallback;
        }
        if (!value.isValueNode()) {
            throw new ScenarioException(where(key) + ": a single value, not " + value);
        }
        return value.asString();
    }

    int integer(String key, int min, int max, Integer fallback) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw new ScenarioException(where(key) + ": required");
            }
            return fallback;
        }
        if (!value.isInt() || value.asInt() < min || value.asInt() > max) {
            throw new ScenarioException(where(key) + ": a whole number from " + min + " to " + max + ", not " + value);
        }
        return value.asInt();
    }

    double number(String key) {
        JsonNode value = get(key);
        if (value == null || !value.isNumber()) {
            throw new ScenarioException(where(key) + ": a number, not " + value);
        }
        return value.asDouble();
    }

    void done() {
        for (String name : node.propertyNames()) {
            if (!read.contains(name)) {
                throw new ScenarioException(where(name) + ": unknown key (a typo?)");
            }
        }
    }
}
