package io.wavestash.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Reads a YAML file into typed configuration, reporting every problem with file, line and field. */
public final class ConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigFile() {}

    /** Reads {@code file} and maps its root with {@code reader}; throws with every problem found. */
    public static <T> T read(Path file, Function<ConfigNode, T> reader) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config file: " + e.getMessage());
        }
        return parse(file.toString(), text, reader);
    }

    /** Parses YAML text named {@code source} in messages. */
    public static <T> T parse(String source, String text, Function<ConfigNode, T> reader) {
        JsonNode root;
        Map<String, Integer> lines = new HashMap<>();
        try {
            root = YAML.readTree(text);
            collectLines(text, lines);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? source : source + ":" + at.getLineNr();
            throw new ConfigException(where + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        List<String> problems = new ArrayList<>();
        if (!root.isObject()) {
            throw new ConfigException(source + ": expected a mapping of fields at the top level");
        }
        ConfigNode node = new ConfigNode(source, "", root, lines, problems);
        T value = reader.apply(node);
        node.finish();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return value;
    }

    /** Maps each dotted field name (list elements as {@code name[i]}) to its 1-based line. */
    private static void collectLines(String text, Map<String, Integer> lines) throws IOException {
        try (JsonParser parser = YAML.getFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME) {
                    lines.putIfAbsent(
                            dotted(parser.getParsingContext()),
                            parser.currentTokenLocation().getLineNr());
                } else if (token == JsonToken.START_OBJECT
                        && parser.getParsingContext().getParent() != null
                        && parser.getParsingContext().getParent().inArray()) {
                    // a list element, such as one sensor: its own line
                    lines.putIfAbsent(
                            dotted(parser.getParsingContext().getParent()),
                            parser.currentTokenLocation().getLineNr());
                }
            }
        }
    }

    private static String dotted(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            parts.add(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName());
        }
        StringBuilder name = new StringBuilder();
        for (String part : parts) {
            if (name.length() > 0 && !part.startsWith("[")) {
                name.append('.');
            }
            name.append(part);
        }
        return name.toString();
    }
}
