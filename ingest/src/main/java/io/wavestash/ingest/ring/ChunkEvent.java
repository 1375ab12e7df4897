package io.wavestash.ingest.ring;

/**
 * One preallocated, reused slot of the ring: a session start, a chunk (bytes copied in), or a dropout. The
 * byte array grows only when a larger chunk than ever before arrives, so the hot path does not allocate.
 */
public final class ChunkEvent {
    public enum Kind {
        SESSION,
        CHUNK,
        DROPOUT
    }

    Kind kind;
    String sensor;
    long session;
    /** Byte offset of a chunk; first byte of a dropout. */
    long block;
    /** One past the last byte of a dropout. */
    long blockEnd;

    byte[] data = new byte[0];
    int length;
    /** {@link System#nanoTime} when the source handed the event over. */
    long publishedNanos;

    public Kind kind() {
        return kind;
    }

    public String sensor() {
        return sensor;
    }

    public long session() {
        return session;
    }

    public long block() {
        return block;
    }

    public long blockEnd() {
        return blockEnd;
    }

    public byte[] data() {
        return data;
    }

    public int length() {
        return length;
    }

    public long publishedNanos() {
        return publishedNanos;
    }

    void set(Kind kind, String sensor, long session, long block, long blockEnd, byte[] src, int offset, int length) {
        this.kind = kind;
        this.sensor = sensor;
        this.session = session;
        this.block = block;
        this.blockEnd = blockEnd;
        if (data.length < length) {
            data = new byte[Math.max(length, data.length * 2)];
        }
        if (length > 0) {
            System.arraycopy(src, offset, data, 0, length);
        }
        this.length = length;
        this.publishedNanos = System.nanoTime();
    }
}
