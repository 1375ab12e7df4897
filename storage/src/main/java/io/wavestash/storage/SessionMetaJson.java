package io.wavestash.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
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
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SessionMetaJson() {}

    /**
     * Builds Jackson's serializers for {@link #write} now. It builds them on first use, under locks: a thousand
     * sources starting their sessions at once would queue on them for seconds, in which their rings fill up.
     */
    public static void prepareWriter() {
        write(new SessionMeta(SensorId.of("warm-up"), 0, SampleFormat.pcm(8000, 16, 1), 1, "warm-up"));
    }

    public static byte[] write(SessionMeta meta) {
        ObjectNode root = JSON.createObjectNode();
        root.put("magic", MAGIC).put("version", VERSION);
        root.put("sensor", meta.sensor().value());
        root.put("start", Times.ofEpochMicros(meta.startEpochMicros()).toString());
        root.put("startEpochMicros", meta.startEpochMicros());
        root.set("format", JSON.valueToTree(meta.format()));
        root.put("frameBytes", meta.format().frameBytes());
        root.put("chunkFrames", meta.chunkFrames());
        root.put("chunkBytes", meta.chunkBytes());
        root.put("source", meta.source());
        root.set("attributes", JSON.valueToTree(new LinkedHashMap<>(meta.attributes())));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("session metadata always serializes", e);
        }
    }

    /** Parses session JSON; {@code origin} names the key or file in errors. */
    public static SessionMeta read(byte[] json, String origin) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !MAGIC.equals(root.path("magic").asText())) {
                throw new StoreException(origin + ": not wavestash session metadata (no \"magic\": \"" + MAGIC + "\")");
            }
            int version = root.path("version").asInt(-1);
            if (version < 1 || version > VERSION) {
                throw new StoreException(origin + ": session metadata version " + version
                        + " is not supported (this build reads 1.." + VERSION + ")");
            }
            SampleFormat format = JSON.treeToValue(root.get("format"), SampleFormat.class);
            Map<String, String> attributes = new LinkedHashMap<>();
            root.path("attributes")
                    .fields()
                    .forEachRemaining(
                            e -> attributes.put(e.getKey(), e.getValue().asText()));
            return new SessionMeta(
                    SensorId.of(root.path("sensor").asText()),
                    root.path("startEpochMicros").asLong(),
                    format,
                    root.path("chunkFrames").asInt(),
                    root.path("source").asText(""),
                    attributes);
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreException(origin + ": unreadable session metadata: " + e.getMessage(), e);
        }
    }
}
