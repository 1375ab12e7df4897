package io.wavestash.ingest.ring;

import io.wavestash.storage.SessionMeta;

/**
 * Measures each chunk on the thread that publishes it, before it claims a slot of the ring, and the measurement
 * travels in the event ({@link ChunkEvent#levelDbfs()}, {@link ChunkEvent#silent()}). The ring's consumers
 * acknowledge every chunk of every sensor: work done there is done on a core or two for all of them, while the
 * publishing threads read the chunk's bytes anyway, as they copy them in. Implementations are thread-safe.
 */
public interface ChunkMeter {
    /** Measures nothing: events carry NaN. */
    ChunkMeter NONE = new ChunkMeter() {
        @Override
        public void session(SessionMeta meta) {}

        @Override
        public float dbfs(String sensor, byte[] bytes, int offset, int length) {
            return Float.NaN;
        }

        @Override
        public boolean silent(float dbfs) {
            return false;
        }

        @Override
        public void taken(String sensor, float dbfs, boolean silent) {}
    };

    /** A session starts: its chunks are in {@code meta}'s format. */
    void session(SessionMeta meta);

    /** The chunk's RMS level in dBFS; NaN when it cannot be measured (no session seen, or a failure). */
    float dbfs(String sensor, byte[] bytes, int offset, int length);

    /** Whether a chunk of this level counts as silent. */
    boolean silent(float dbfs);

    /** The ring took the chunk just measured: for the meter's metrics. */
    void taken(String sensor, float dbfs, boolean silent);
}
