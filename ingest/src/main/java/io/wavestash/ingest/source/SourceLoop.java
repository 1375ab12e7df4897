package io.wavestash.ingest.source;

/**
 * The part every source shares: the running byte offset of the session, real-time pacing against the session's
 * own sample clock (so pacing errors never accumulate), and turning refused chunks into dropout ranges that
 * are published as soon as the ring takes them.
 */
final class SourceLoop {
    private final String sensor;
    private final long session;
    private final int frameBytes;
    private final int rate;
    private final Pacer pacer;
    private final Publisher publisher;
    private final long startNanos;
    private final long limitBytes;
    private long block;
    private long dropFrom = -1;
    private long dropTo = -1;

    /** A loop that emits at most {@code maxFrames} frames ({@link Long#MAX_VALUE}: no limit). */
    SourceLoop(
            String sensor, long session, int frameBytes, int rate, long maxFrames, Pacer pacer, Publisher publisher) {
        this.sensor = sensor;
        this.session = session;
        this.frameBytes = frameBytes;
        this.rate = rate;
        this.pacer = pacer;
        this.publisher = publisher;
        this.startNanos = pacer == null ? 0 : pacer.nanoTime();
        this.limitBytes = maxFrames >= Long.MAX_VALUE / frameBytes ? Long.MAX_VALUE : maxFrames * frameBytes;
    }

    /** True once the frame limit is reached; the source should end. */
    boolean done() {
        return block >= limitBytes;
    }

    /**
     * Emits {@code length} bytes (whole frames, cut at the frame limit) as the next chunk, waiting first until
     * they are due.
     */
    void emit(byte[] bytes, int length) throws InterruptedException {
        int whole = (int) Math.min(length - length % frameBytes, limitBytes - block);
        if (whole <= 0) {
            return;
        }
        if (pacer != null) {
            long framesAfter = (block + whole) / frameBytes;
            pacer.awaitNanos(startNanos + framesAfter * 1_000_000_000L / rate);
        }
        if (dropFrom >= 0 && publisher.dropout(sensor, session, dropFrom, dropTo)) {
            dropFrom = dropTo = -1;
        }
        if (!publisher.chunk(sensor, session, block, bytes, 0, whole)) {
            if (dropFrom < 0) {
                dropFrom = block;
            }
            dropTo = block + whole;
        }
        block += whole;
    }

    /** Bytes emitted (or dropped) so far. */
    long block() {
        return block;
    }

    /** Publishes a pending dropout, waiting if it must. */
    void finish() {
        if (dropFrom >= 0) {
            while (!publisher.dropout(sensor, session, dropFrom, dropTo)) {
                Thread.onSpinWait();
            }
            dropFrom = dropTo = -1;
        }
    }
}
