package io.wavestash.storage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the small JSON documents a store keeps (its manifest, each session's metadata) with Jackson's streaming
 * parser into maps: opening a store for a query then costs no object mapper, whose set-up is a good part of a
 * short command's start.
 */
final class JsonObjects {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonObjects() {}

    /** The object {@code json} holds, or null when it holds something else (an array, a number, nothing). */
    static Map<String, Object> read(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parser.nextToken() == JsonToken.START_OBJECT ? object(parser) : null;
        }
    }

    private static Map<String, Object> object(JsonParser parser) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            fields.put(name, value(parser, parser.nextToken()));
        }
        return fields;
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> object(parser);
            case START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(value(parser, t));
                }
                yield items;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    /** A field as text: a string as it is, a number or boolean as written, absent or null as {@code absent}. */
    static String text(Map<String, Object> fields, String name, String absent) {
        Object v = fields.get(name);
        return v == null || v instanceof Map || v instanceof List ? absent : v.toString();
    }

    /** An integer field, or {@code absent} when it is missing or not a whole number. */
    static long number(Map<String, Object> fields, String name, long absent) {
        return fields.get(name) instanceof Long l ? l : absent;
    }

    /** An integer field that fits an int, or {@code absent} when it is missing or not a whole number. */
    static int integer(Map<String, Object> fields, String name, int absent) {
        long v = number(fields, name, absent);
        if (v != (int) v) {
            throw new IllegalArgumentException("\"" + name + "\": " + v + " is out of range");
        }
        return (int) v;
    }

    /** A nested object field, or an empty one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> fields, String name) {
        return fields.get(name) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
