package io.wavestash.storage;

import java.util.regex.Pattern;

/**
 * The name of a sensor: 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}, never {@code .} or {@code ..}, so
 * that it can stand in a path or an object key without escaping anything.
 */
public record SensorId(String value) implements Comparable<SensorId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public SensorId {
        requireName("sensor id", value);
    }

    public static SensorId of(String value) {
        return new SensorId(value);
    }

    /** Checks a name of the sensor-id alphabet (also used for device names). */
    public static String requireName(String what, String value) {
        if (value == null || !VALID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(what + " '" + printable(value)
                    + "' is not valid: expected 1-64 characters of A-Z a-z 0-9 . _ - (not '.' or '..')");
        }
        return value;
    }

    private static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return value.length() > 80 ? out + "…" : out.toString();
    }

    @Override
    public int compareTo(SensorId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
