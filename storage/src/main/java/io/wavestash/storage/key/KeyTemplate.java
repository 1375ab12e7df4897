package io.wavestash.storage.key;

import io.wavestash.storage.SensorId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a {@link ChunkKey} to a string key and back, following a template such as
 * {@code {sensor}/{session}/{block:014d}.pcm} (py2store's {@code LinearNaming}).
 *
 * <p>Fields: {@code {device}}, {@code {sensor}}, {@code {block}} ({@code {block:0Nd}} pads to N digits,
 * 14 by default), and {@code {session}} as epoch microseconds (the default, 16 digits, or {@code :us}),
 * epoch milliseconds ({@code :ms}, 13 digits, for sessions on whole milliseconds), a compact ISO instant
 * ({@code :iso}, {@code 20261120T100000.125000Z}), or a date part for partitioning ({@code :yyyy},
 * {@code :MM}, {@code :dd}, {@code :HH}, {@code :mm}, {@code :ss}). Numbers are zero-padded so that keys of
 * one sensor sort in time order. A key parses only if formatting its parsed value gives the key back.
 */
public final class KeyTemplate {
    private static final Pattern FIELD = Pattern.compile("\\{([^{}:]*)(?::([^{}]*))?}");
    private static final Set<String> FIELDS = Set.of("device", "sensor", "session", "block");
    private static final String NAME_CHARS = "A-Za-z0-9._-";

    private final String text;
    private final List<Part> parts;
    private final Pattern pattern;
    private final boolean hasDevice;

    private KeyTemplate(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
        this.hasDevice = parts.stream().anyMatch(p -> p instanceof Field f && f.name.equals("device"));
        StringBuilder regex = new StringBuilder();
        for (Part part : parts) {
            regex.append(part instanceof Literal l ? Pattern.quote(l.text) : "(" + ((Field) part).regex() + ")");
        }
        this.pattern = Pattern.compile(regex.toString());
    }

    /** Parses and checks a template; the message of the exception names the offending field or text. */
    public static KeyTemplate of(String template) {
        if (template == null || template.isBlank()) {
            throw new TemplateException("key template must not be empty");
        }
        List<Part> parts = new ArrayList<>();
        Matcher m = FIELD.matcher(template);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                parts.add(literal(template, template.substring(at, m.start())));
            }
            parts.add(field(template, m.group(1), m.group(2)));
            at = m.end();
        }
        if (at < template.length()) {
            parts.add(literal(template, template.substring(at)));
        }
        check(template, parts);
        return new KeyTemplate(template, parts);
    }

    public String text() {
        return text;
    }

    public boolean hasDevice() {
        return hasDevice;
    }

    /** The string key of a chunk. */
    public String format(ChunkKey key) {
        return formatParts(parts.size(), key);
    }

    /**
     * The key of a session's metadata: the formatted text before {@code {block}} followed by {@code name},
     * so it sits beside the session's chunks.
     */
    public String sessionKey(ChunkKey anyChunkOfSession, String name) {
        return formatParts(blockIndex(), anyChunkOfSession) + name;
    }

    /**
     * The longest key prefix shared by every chunk of a device (its name, or null), for listing one device's
     * part of a shared store.
     */
    public String devicePrefix(String device) {
        StringBuilder out = new StringBuilder();
        ChunkKey probe = new ChunkKey(hasDevice ? device : null, SensorId.of("x"), 0, 0);
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text);
            } else if (((Field) part).name.equals("device")) {
                out.append(((Field) part).format(probe));
            } else {
                break;
            }
        }
        return out.toString();
    }

    /** The longest key prefix shared by every chunk of the sensor (for listing). */
    public String sensorPrefix(String device, SensorId sensor) {
        StringBuilder out = new StringBuilder();
        ChunkKey probe = new ChunkKey(hasDevice ? device : null, sensor, 0, 0);
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text);
            } else {
                Field f = (Field) part;
                if (!f.name.equals("sensor") && !f.name.equals("device")) {
                    break;
                }
                out.append(f.format(probe));
            }
        }
        return out.toString();
    }

    /** Parses a string key; throws {@link TemplateException} naming the key when it does not fit. */
    public ChunkKey parse(String key) {
        Matcher m = pattern.matcher(key);
        if (!m.matches()) {
            throw new TemplateException("key '" + key + "' does not match template '" + text + "'");
        }
        String device = null;
        String sensor = null;
        Long session = null;
        Long block = null;
        int group = 1;
        for (Part part : parts) {
            if (!(part instanceof Field f)) {
                continue;
            }
            String value = m.group(group++);
            switch (f.name) {
                case "device" -> device = value;
                case "sensor" -> sensor = value;
                case "block" -> block = parseNumber(key, "block", value);
                default -> {
                    if (f.isFullSession()) {
                        session = f.parseSession(key, value);
                    }
                }
            }
        }
        ChunkKey parsed;
        try {
            parsed = new ChunkKey(device, SensorId.of(sensor), session, block);
        } catch (IllegalArgumentException e) {
            throw new TemplateException("key '" + key + "': " + e.getMessage());
        }
        String canonical = format(parsed);
        if (!canonical.equals(key)) {
            throw new TemplateException("key '" + key + "' does not match template '" + text
                    + "': its fields disagree or are not padded as the template writes them (expected '" + canonical
                    + "')");
        }
        return parsed;
    }

    /** Like {@link #parse} but returns null for keys of other shapes. */
    public ChunkKey tryParse(String key) {
        try {
            return parse(key);
        } catch (TemplateException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }

    private String formatParts(int count, ChunkKey key) {
        if (hasDevice && key.device() == null) {
            throw new TemplateException("template '" + text + "' has {device} but no device name was given");
        }
        if (key.sensor().isQualified()) {
            throw new TemplateException("sensor '" + key.sensor() + "' names a device: only plain sensor names are"
                    + " written under a key");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Part part = parts.get(i);
            out.append(part instanceof Literal l ? l.text : ((Field) part).format(key));
        }
        return out.toString();
    }

    private int blockIndex() {
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i) instanceof Field f && f.name.equals("block")) {
                return i;
            }
        }
        throw new IllegalStateException("checked at construction");
    }

    private static long parseNumber(String key, String field, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new TemplateException("key '" + key + "': {" + field + "} '" + digits + "' is out of range");
        }
    }

    private static Literal literal(String template, String text) {
        if (text.indexOf('{') >= 0 || text.indexOf('}') >= 0) {
            throw new TemplateException("template '" + template + "' has an unbalanced brace in '" + text + "'");
        }
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw new TemplateException("template '" + template + "' has a control character or backslash");
            }
        }
        return new Literal(text);
    }

    private static Field field(String template, String name, String spec) {
        if (!FIELDS.contains(name)) {
            throw new TemplateException("template '" + template + "' has unknown field {" + name
                    + "}; known fields: {device}, {sensor}, {session}, {block}");
        }
        Field f = new Field(name, spec == null ? "" : spec);
        f.validate(template);
        return f;
    }

    private static void check(String template, List<Part> parts) {
        int sensors = 0, blocks = 0, devices = 0, sessions = 0;
        for (Part part : parts) {
            if (part instanceof Field f) {
                switch (f.name) {
                    case "sensor" -> sensors++;
                    case "block" -> blocks++;
                    case "device" -> devices++;
                    default -> sessions += f.isFullSession() ? 1 : 0;
                }
            }
        }
        if (sensors != 1 || blocks != 1 || sessions != 1 || devices > 1) {
            throw new TemplateException(
                    "template '" + template + "' must contain {sensor}, {block} and one full {session}"
                            + " ({session}, {session:us}, {session:ms} or {session:iso}) exactly once each, and {device} at most once");
        }
        String joined = String.join(
                "",
                parts.stream().map(p -> p instanceof Literal l ? l.text : "x").toList());
        if (joined.startsWith("/")
                || joined.endsWith("/")
                || joined.contains("//")
                || ("/" + joined + "/").contains("/../")
                || ("/" + joined + "/").contains("/./")) {
            throw new TemplateException(
                    "template '" + template + "' must be a relative path without empty, '.' or '..' segments");
        }
        checkDateParts(template, parts);
        boolean blockSeen = false;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            if (part instanceof Field f && f.name.equals("block")) {
                blockSeen = true;
            } else if (blockSeen && part instanceof Field f && !f.isDatePart()) {
                throw new TemplateException("template '" + template + "': {block} must come after {" + f.name
                        + "} so that session metadata can sit beside its chunks");
            }
            if (part instanceof Field f && f.isVariableWidth() && i + 1 < parts.size()) {
                Part next = parts.get(i + 1);
                if (next instanceof Field n) {
                    throw new TemplateException("template '" + template + "' is ambiguous: {" + f.name
                            + "} is followed directly by {" + n.name + "}; put a separator such as '/' between them");
                }
                char first = ((Literal) next).text.charAt(0);
                if (f.canContain(first)) {
                    throw new TemplateException(
                            "template '" + template + "' is ambiguous: {" + f.name + "} is followed by '" + first
                                    + "', which can occur inside its value; use a separator such as '/'");
                }
            }
        }
    }

    /** Date parts go from the year down, before the full session, so that keys sort in time order. */
    private static void checkDateParts(String template, List<Part> parts) {
        List<String> order = List.of("yyyy", "MM", "dd", "HH", "mm", "ss");
        int next = 0;
        boolean fullSeen = false;
        for (Part part : parts) {
            if (!(part instanceof Field f) || !f.name.equals("session")) {
                continue;
            }
            if (f.isFullSession()) {
                fullSeen = true;
                continue;
            }
            int at = order.indexOf(f.spec);
            if (at != next || fullSeen) {
                throw new TemplateException("template '" + template + "': {session:" + f.spec + "} needs "
                        + (at > 0
                                ? "{session:" + String.join("}, {session:", order.subList(0, at)) + "} before it and "
                                : "")
                        + "must come before the full {session}, so that keys sort in time order");
            }
            next++;
        }
    }

    private sealed interface Part permits Literal, Field {}

    private record Literal(String text) implements Part {}

    /** A field, with the digits it is padded to (worked out once: a key is formatted for every chunk). */
    private record Field(String name, String spec, int padding) implements Part {
        private static final Set<String> DATE_PARTS = Set.of("yyyy", "MM", "dd", "HH", "mm", "ss");
        private static final Pattern PAD = Pattern.compile("0(\\d{1,2})d|");
        private static final int MIN_BLOCK_DIGITS = 12;

        Field(String name, String spec) {
            this(name, spec, paddingOf(name, spec));
        }

        void validate(String template) {
            boolean ok =
                    switch (name) {
                        case "device", "sensor" -> spec.isEmpty();
                        case "block" -> PAD.matcher(spec).matches() && padding() >= MIN_BLOCK_DIGITS && padding() <= 20;
                        default -> spec.isEmpty()
                                || spec.equals("us")
                                || spec.equals("ms")
                                || spec.equals("iso")
                                || DATE_PARTS.contains(spec);
                    };
            if (!ok) {
                String expected =
                        switch (name) {
                            case "block" -> "{block} (14 digits) or {block:0Nd} with N from " + MIN_BLOCK_DIGITS
                                    + " to 20, so that keys sort in time order";
                            case "session" -> "{session}, {session:us}, {session:ms}, {session:iso} or a date part yyyy, MM, dd, HH, mm, ss";
                            default -> "{" + name + "} without a format";
                        };
                throw new TemplateException("template '" + template + "' has an unknown format in {" + name + ":" + spec
                        + "}; expected " + expected);
            }
        }

        boolean isFullSession() {
            return name.equals("session")
                    && (spec.isEmpty() || spec.equals("us") || spec.equals("ms") || spec.equals("iso"));
        }

        boolean isDatePart() {
            return name.equals("session") && DATE_PARTS.contains(spec);
        }

        boolean isVariableWidth() {
            return !isDatePart() && !(name.equals("session") && spec.equals("iso"));
        }

        boolean canContain(char c) {
            boolean digit = c >= '0' && c <= '9';
            boolean nameChar = Character.isLetter(c) && c < 0x80 || c == '.' || c == '_' || c == '-';
            return digit || (isNameField() && nameChar);
        }

        boolean isNameField() {
            return name.equals("sensor") || name.equals("device");
        }

        String regex() {
            if (name.equals("sensor") || name.equals("device")) {
                return "[" + NAME_CHARS + "]{1,64}";
            }
            if (isDatePart()) {
                return "\\d{" + spec.length() + "}";
            }
            if (name.equals("session") && spec.equals("iso")) {
                return "\\d{8}T\\d{6}\\.\\d{6}Z";
            }
            return "\\d+";
        }

        private static int paddingOf(String name, String spec) {
            if (name.equals("block")) {
                Matcher m = PAD.matcher(spec);
                return m.matches() && m.group(1) != null ? Integer.parseInt(m.group(1)) : 14;
            }
            return spec.equals("ms") ? 13 : 16;
        }

        String format(ChunkKey key) {
            switch (name) {
                case "device":
                    return key.device();
                case "sensor":
                    return key.sensor().value();
                case "block":
                    return pad(key.block(), padding());
                default:
                    return formatSession(key.sessionEpochMicros());
            }
        }

        private String formatSession(long micros) {
            if (spec.equals("ms")) {
                if (micros % 1_000 != 0) {
                    throw new TemplateException("session start " + Instant.ofEpochSecond(0, micros * 1_000)
                            + " has microseconds, but template field {session:ms} keeps whole milliseconds");
                }
                return pad(micros / 1_000, 13);
            }
            if (spec.isEmpty() || spec.equals("us")) {
                return pad(micros, 16);
            }
            ZonedDateTime t =
                    ZonedDateTime.ofInstant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)), ZoneOffset.UTC);
            return switch (spec) {
                case "iso" -> String.format(
                        Locale.ROOT,
                        "%04d%02d%02dT%02d%02d%02d.%06dZ",
                        t.getYear(),
                        t.getMonthValue(),
                        t.getDayOfMonth(),
                        t.getHour(),
                        t.getMinute(),
                        t.getSecond(),
                        Math.floorMod(micros, 1_000_000L));
                case "yyyy" -> String.format(Locale.ROOT, "%04d", t.getYear());
                case "MM" -> String.format(Locale.ROOT, "%02d", t.getMonthValue());
                case "dd" -> String.format(Locale.ROOT, "%02d", t.getDayOfMonth());
                case "HH" -> String.format(Locale.ROOT, "%02d", t.getHour());
                case "mm" -> String.format(Locale.ROOT, "%02d", t.getMinute());
                default -> String.format(Locale.ROOT, "%02d", t.getSecond());
            };
        }

        long parseSession(String key, String value) {
            try {
                if (spec.equals("iso")) {
                    ZonedDateTime t = ZonedDateTime.of(
                            Integer.parseInt(value.substring(0, 4)),
                            Integer.parseInt(value.substring(4, 6)),
                            Integer.parseInt(value.substring(6, 8)),
                            Integer.parseInt(value.substring(9, 11)),
                            Integer.parseInt(value.substring(11, 13)),
                            Integer.parseInt(value.substring(13, 15)),
                            0,
                            ZoneOffset.UTC);
                    return Math.addExact(
                            Math.multiplyExact(t.toEpochSecond(), 1_000_000L), Long.parseLong(value.substring(16, 22)));
                }
                long number = Long.parseLong(value);
                return spec.equals("ms") ? Math.multiplyExact(number, 1_000L) : number;
            } catch (RuntimeException e) {
                throw new TemplateException("key '" + key + "': {session" + (spec.isEmpty() ? "" : ":" + spec) + "} '"
                        + value + "' is not a valid session start");
            }
        }

        private static String pad(long value, int width) {
            String digits = Long.toString(value);
            return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
        }
    }
}
