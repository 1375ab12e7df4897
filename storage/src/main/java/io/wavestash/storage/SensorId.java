package io.wavestash.storage;

/**
 * The name of a sensor: 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}, never {@code .} or {@code ..}, so
 * that it can stand in a path or an object key without escaping anything. Where several devices share a store,
 * a reader names a sensor {@code DEVICE/SENSOR}; such a qualified name is only read, never written.
 */
public record SensorId(String value) implements Comparable<SensorId> {
    private static final int MAX_LENGTH = 64;

    public SensorId {
        int slash = value == null ? -1 : value.indexOf('/');
        if (slash < 0) {
            requireName("sensor id", value);
        } else {
            try {
                requireName("device", value.substring(0, slash));
                requireName("sensor id", value.substring(slash + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "sensor id '" + printable(value)
                                + "' is not valid: expected SENSOR or DEVICE/SENSOR, each 1-64 characters of A-Z a-z 0-9 . _ -");
            }
        }
    }

    /** A sensor of a device, as a reader of a store shared by devices names it. */
    public static SensorId qualified(String device, SensorId sensor) {
        return new SensorId(device + "/" + sensor.value());
    }

    /** Whether this is a {@code DEVICE/SENSOR} name. */
    public boolean isQualified() {
        return value.indexOf('/') >= 0;
    }

    /** The device of a qualified name. */
    public String device() {
        int slash = value.indexOf('/');
        return slash < 0 ? null : value.substring(0, slash);
    }

    /** The sensor of a qualified name, or this one. */
    public SensorId local() {
        int slash = value.indexOf('/');
        return slash < 0 ? this : new SensorId(value.substring(slash + 1));
    }

    public static SensorId of(String value) {
        return new SensorId(value);
    }

    /** Whether {@code value} is 1 to 64 characters of {@code A-Z a-z 0-9 . _ -} (checked for every chunk stored). */
    private static boolean isName(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Checks a name of the sensor-id alphabet (also used for device names). */
    public static String requireName(String what, String value) {
        if (!isName(value) || value.equals(".") || value.equals("..")) {
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
