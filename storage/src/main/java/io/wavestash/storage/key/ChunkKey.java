package io.wavestash.storage.key;

import io.wavestash.storage.SensorId;
import io.wavestash.storage.Times;

/**
 * The typed key of one chunk.
 *
 * @param device the recording device, or null for stores whose template has no {@code {device}}
 * @param sensor the sensor
 * @param sessionEpochMicros UTC start of the capture session, microseconds since the epoch
 * @param block byte offset of the chunk within its session
 */
public record ChunkKey(String device, SensorId sensor, long sessionEpochMicros, long block) {
    public ChunkKey {
        if (device != null) {
            SensorId.requireName("device", device);
        }
        if (sensor == null) {
            throw new IllegalArgumentException("a chunk key needs a sensor");
        }
        Times.requireSessionStart(sessionEpochMicros);
        if (block < 0) {
            throw new IllegalArgumentException("block offset must not be negative, was " + block);
        }
    }
}
