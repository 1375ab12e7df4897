package io.wavestash.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON stored beside each session: {@code {"magic":"wavestash-session","version":1,...}}. Fields a
 * later version adds are kept in {@code attributes} by older readers rather than rejected.
 */
public final class SessionMetaJson {
    public static final String MAGIC = "wavestash-session";
    public static final int VERSION = 1;

    /** Made when a session is first written: readers parse with {@link JsonObjects} and never need it. */
    private static final class Writer {
        static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private SessionMetaJson() {}

    /**
     * Builds Jackson's serializers for {@link #write} now. It builds them on first use, under locks: a thousand
     * sources starting their sessions at once would queue on them for seconds, in which their rings fill up.
     */
    public static void prepareWriter() {
        write(new SessionMeta(SensorId.of("warm-up"), 0, SampleFormat.pcm(8000, 16, 1), 1, "warm-up"));
    }

    public static byte[] write(SessionMeta meta) {
        ObjectMapper json = Writer.JSON;
        ObjectNode root = json.createObjectNode();
        root.put("magic", MAGIC).put("version", VERSION);
        root.put("sensor", meta.sensor().value());
        root.put("start", Times.ofEpochMicros(meta.startEpochMicros()).toString());
        root.put("startEpochMicros", meta.startEpochMicros());
        root.set("format", json.valueToTree(meta.format()));
        root.put("frameBytes", meta.format().frameBytes());
        root.put("chunkFrames", meta.chunkFrames());
        root.put("chunkBytes", meta.chunkBytes());
        root.put("source", meta.source());
        root.set("attributes", json.valueToTree(new LinkedHashMap<>(meta.attributes())));
        try {
            return json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("session metadata always serializes", e);
        }
    }

    /** Parses session JSON; {@code origin} names the key or file in errors. */
    public static SessionMeta read(byte[] json, String origin) {
        try {
            Map<String, Object> root = JsonObjects.read(json);
            if (root == null || !MAGIC.equals(JsonObjects.text(root, "magic", ""))) {
                throw new StoreException(origin + ": not wavestash session metadata (no \"magic\": \"" + MAGIC + "\")");
            }
            long version = JsonObjects.number(root, "version", -1);
            if (version < 1 || version > VERSION) {
                throw new StoreException(origin + ": session metadata version " + version
                        + " is not supported (this build reads 1.." + VERSION + ")");
            }
            Map<String, Object> f = JsonObjects.object(root, "format");
            SampleFormat format = new SampleFormat(
                    JsonObjects.integer(f, "sampleRateHz", 0),
                    JsonObjects.integer(f, "bitsPerSample", 0),
                    JsonObjects.integer(f, "channels", 0),
                    SampleFormat.Encoding.valueOf(JsonObjects.text(f, "encoding", "(missing)")),
                    SampleFormat.Endian.valueOf(JsonObjects.text(f, "byteOrder", "(missing)")));
            Map<String, String> attributes = new LinkedHashMap<>();
            JsonObjects.object(root, "attributes").forEach((k, v) -> attributes.put(k, v == null ? "" : v.toString()));
            return new SessionMeta(
                    SensorId.of(JsonObjects.text(root, "sensor", "")),
                    JsonObjects.number(root, "startEpochMicros", 0),
                    format,
                    JsonObjects.integer(root, "chunkFrames", 0),
                    JsonObjects.text(root, "source", ""),
                    attributes);
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreException(origin + ": unreadable session metadata: " + e.getMessage(), e);
        }
    }
}
