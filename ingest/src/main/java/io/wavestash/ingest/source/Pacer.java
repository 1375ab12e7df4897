package io.wavestash.ingest.source;

import java.util.concurrent.locks.LockSupport;

/** Paces a real-time source: monotonic time, and waiting until a deadline. Tests substitute one that never waits. */
public interface Pacer {
    long nanoTime();

    /** Waits until {@link #nanoTime()} reaches {@code deadline}, or the thread is interrupted. */
    void awaitNanos(long deadline) throws InterruptedException;

    /** The system's monotonic clock. */
    static Pacer system() {
        return new Pacer() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void awaitNanos(long deadline) throws InterruptedException {
                for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                    LockSupport.parkNanos(this, left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
        };
    }
}
