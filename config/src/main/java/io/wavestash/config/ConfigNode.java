package io.wavestash.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A mapping in a configuration file, read field by field. Every typed getter records what was wrong
 * (with file, line and the dotted field name) instead of throwing, so that one read reports every
 * problem at once; {@link #finish()} adds the fields nobody asked for.
 */
public final class ConfigNode {
    private final String source;
    private final String path;
    private final JsonNode node;
    private final Map<String, Integer> lines;
    private final List<String> problems;
    private final Set<String> read = new LinkedHashSet<>();

    ConfigNode(String source, String path, JsonNode node, Map<String, Integer> lines, List<String> problems) {
        this.source = source;
        this.path = path;
        this.node = node;
        this.lines = lines;
        this.problems = problems;
    }

    /** True when the field is present and not null. */
    public boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    public String string(String field, String fallback) {
        JsonNode value = take(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode() || value.isBoolean()) {
            problem(field, "expected a string, found " + describe(value));
            return fallback;
        }
        return value.asText();
    }

    public int integer(String field, int fallback, int min, int max) {
        JsonNode value = take(field);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToExactIntegral()
                && !(value.isTextual() && value.asText().matches("-?\\d{1,10}"))) {
            problem(field, "expected a whole number, found " + describe(value));
            return fallback;
        }
        long number = value.isTextual() ? Long.parseLong(value.asText()) : value.asLong();
        if (number < min || number > max) {
            problem(field, "expected a number from " + min + " to " + max + ", found " + number);
            return fallback;
        }
        return (int) number;
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode value = take(field);
        if (value == null) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        String text = value.asText().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return text.equals("true");
        }
        problem(field, "expected true or false, found " + describe(value));
        return fallback;
    }

    public <E extends Enum<E>> E enumValue(String field, Class<E> type, E fallback) {
        JsonNode value = take(field);
        if (value == null) {
            return fallback;
        }
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        if (!value.isTextual()) {
            problem(field, "expected one of " + allowed + ", found " + describe(value));
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.asText().trim())) {
                return constant;
            }
        }
        problem(field, "expected one of " + allowed + ", found '" + value.asText() + "'");
        return fallback;
    }

    /** A value converted by a parser that throws {@link IllegalArgumentException} with a reason. */
    public <T> T parsed(String field, T fallback, Function<String, T> parser) {
        String text = string(field, null);
        if (text == null) {
            return fallback;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            problem(field, e.getMessage());
            return fallback;
        }
    }

    /** A nested mapping; an absent field reads as an empty mapping so its defaults apply. */
    public ConfigNode child(String field) {
        JsonNode value = take(field);
        if (value != null && !value.isObject()) {
            problem(field, "expected a mapping of fields, found " + describe(value));
            value = null;
        }
        JsonNode body =
                value == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : value;
        return new ConfigNode(source, qualified(field), body, lines, problems);
    }

    /** The elements of a list of mappings; an absent field is an empty list. */
    public List<ConfigNode> children(String field) {
        JsonNode value = take(field);
        List<ConfigNode> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!value.isArray()) {
            problem(field, "expected a list, found " + describe(value));
            return result;
        }
        for (int i = 0; i < value.size(); i++) {
            String element = qualified(field) + "[" + i + "]";
            if (!value.get(i).isObject()) {
                problems.add(location(element) + element + ": expected a mapping of fields, found "
                        + describe(value.get(i)));
                continue;
            }
            result.add(new ConfigNode(source, element, value.get(i), lines, problems));
        }
        return result;
    }

    /** Records a problem with a field of this mapping. */
    public void problem(String field, String message) {
        String name = qualified(field);
        problems.add(location(name) + name + ": " + message);
    }

    /**
     * Where a field is, as problems name it ({@code file:line: dotted.field}), for errors found after the file
     * was read, such as a device that is not there.
     */
    public String where(String field) {
        String name = qualified(field);
        return (lines.containsKey(name) ? location(name) : location(path)) + name;
    }

    /** Reports every field of this mapping that no getter asked for. */
    public void finish() {
        node.fieldNames().forEachRemaining(field -> {
            if (!read.contains(field)) {
                problem(field, "unknown field; expected one of " + String.join(", ", read));
            }
        });
    }

    /** Declares fields as known without reading them (read elsewhere). */
    public void known(String... fields) {
        read.addAll(List.of(fields));
    }

    private JsonNode take(String field) {
        read.add(field);
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private String qualified(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private String location(String name) {
        Integer line = lines.get(name);
        return line == null ? source + ": " : source + ":" + line + ": ";
    }

    private static String describe(JsonNode value) {
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return "'" + value.asText() + "'";
    }
}
