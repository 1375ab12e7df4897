package io.wavestash.ingest;

import io.wavestash.ingest.source.Pacer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pacer whose clock jumps to each deadline instead of waiting for it: real-time sources run at full speed.
 * Each source thread has a clock of its own, as if it alone were running.
 */
final class FakePacer implements Pacer {
    private final java.util.Map<Thread, AtomicLong> clocks = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong now = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();

    @Override
    public long nanoTime() {
        return clocks.computeIfAbsent(Thread.currentThread(), t -> new AtomicLong())
                .get();
    }

    @Override
    public void awaitNanos(long deadline) {
        waits.incrementAndGet();
        clocks.computeIfAbsent(Thread.currentThread(), t -> new AtomicLong()).accumulateAndGet(deadline, Math::max);
        now.accumulateAndGet(deadline, Math::max);
    }

    long waits() {
        return waits.get();
    }

    /** The furthest any source's clock has gone. */
    long elapsedNanos() {
        return now.get();
    }
}
