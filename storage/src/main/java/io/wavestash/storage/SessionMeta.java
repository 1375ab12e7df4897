package io.wavestash.storage;

import java.util.Map;
import java.util.TreeMap;

/**
 * What is known about one capture session of one sensor, stored as JSON beside its chunks.
 *
 * @param sensor the sensor that recorded
 * @param startEpochMicros UTC instant capture started, in microseconds since the epoch
 * @param format sample format of every chunk of the session
 * @param chunkFrames nominal chunk length in frames (the last chunk may be shorter)
 * @param source where the audio came from (a file, a device)
 * @param attributes anything else a writer wants kept with the session
 */
public record SessionMeta(
        SensorId sensor,
        long startEpochMicros,
        SampleFormat format,
        int chunkFrames,
        String source,
        Map<String, String> attributes) {

    public SessionMeta {
        if (sensor == null || format == null) {
            throw new IllegalArgumentException("session metadata needs a sensor and a format");
        }
        if (chunkFrames < 1) {
            throw new IllegalArgumentException("chunk length must be at least one frame, was " + chunkFrames);
        }
        Times.requireSessionStart(startEpochMicros);
        source = source == null ? "" : source;
        attributes = attributes == null ? Map.of() : Map.copyOf(new TreeMap<>(attributes));
    }

    public SessionMeta(SensorId sensor, long startEpochMicros, SampleFormat format, int chunkFrames, String source) {
        this(sensor, startEpochMicros, format, chunkFrames, source, Map.of());
    }

    /** Nominal chunk length in bytes. */
    public int chunkBytes() {
        return chunkFrames * format.frameBytes();
    }
}
