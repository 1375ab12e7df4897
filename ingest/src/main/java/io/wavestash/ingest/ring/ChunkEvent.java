package io.wavestash.ingest.ring;

/**
 * One preallocated, reused slot of the ring: a session start, a chunk (bytes copied in), a dropout or a
 * timing anchor (frame in {@code block}, offset in nanoseconds in {@code blockEnd}). The
 * byte array grows only when a larger chunk than ever before arrives, so the hot path does not allocate.
 */
public final class ChunkEvent {
    public enum Kind {
        SESSION,
        CHUNK,
        DROPOUT,
        ANCHOR
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
    /** A chunk's RMS level in dBFS as its publisher measured it ({@link ChunkMeter}), NaN when it was not. */
    float levelDbfs = Float.NaN;

    boolean silent;

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

    public float levelDbfs() {
        return levelDbfs;
    }

    public boolean silent() {
        return silent;
    }

    /** Records what the publisher measured of the chunk. */
    void measured(float dbfs, boolean isSilent) {
        this.levelDbfs = dbfs;
        this.silent = isSilent;
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
        this.levelDbfs = Float.NaN;
        this.silent = false;
    }
}
