package io.wavestash.ingest;

import io.wavestash.ingest.source.Pacer;
import java.util.concurrent.atomic.AtomicLong;

/** A pacer whose clock jumps to each deadline instead of waiting for it: real-time sources run at full speed. */
final class FakePacer implements Pacer {
    private final AtomicLong now = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void awaitNanos(long deadline) {
        waits.incrementAndGet();
        now.accumulateAndGet(deadline, Math::max);
    }

    long waits() {
        return waits.get();
    }

    long elapsedNanos() {
        return now.get();
    }
}
