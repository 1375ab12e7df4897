package io.wavestash.ingest.source;

import io.wavestash.storage.SessionMeta;

/** Where a capture source hands its triples. Implementations are thread-safe. */
public interface Publisher {

    /** Announces a session before its first chunk. */
    void session(SessionMeta meta);

    /**
     * Hands over one chunk (the bytes are copied before this returns). Returns false when the chunk could not
     * be taken without waiting and the source's policy is not to wait; the source then records a dropout.
     */
    boolean chunk(String sensor, long session, long block, byte[] bytes, int offset, int length);

    /**
     * Records that bytes {@code [fromBlock, toBlock)} of a session were lost (a line overrun, a full ring).
     * Returns false, like {@link #chunk}, when it could not be taken without waiting; the source tries again.
     */
    boolean dropout(String sensor, long session, long fromBlock, long toBlock);

    /**
     * Records a timing anchor: at frame {@code frame} the wall clock was {@code offsetNanos} away from the
     * session's nominal instant for it. Returns false, like {@link #dropout}, when it could not be taken without
     * waiting; the source tries again.
     */
    boolean anchor(String sensor, long session, long frame, long offsetNanos);

    /**
     * Waits before trying a full ring again, the {@code attempt}-th time: 10 us, doubling up to 1 ms. Thousands of
     * sources may be waiting at once, and waiting that re-tries sooner takes the cores the ring's consumer needs
     * to make room.
     */
    static void backOff(int attempt) {
        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(1_000_000L, 10_000L << Math.min(attempt, 7)));
    }
}
