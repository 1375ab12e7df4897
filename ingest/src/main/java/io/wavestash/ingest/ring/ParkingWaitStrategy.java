package io.wavestash.ingest.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * How a ring's consumer thread waits for events: it parks, and a producer that publishes wakes it only when
 * it is parked, taking no lock. The Disruptor's blocking strategy has every publish take one monitor to notify:
 * with a thousand sources publishing ten chunks a second each on two cores, a source descheduled while holding it
 * queued all the others, and the consumer, behind it (sources blocked 70 s in all on that monitor in 40 s of
 * capture).
 *
 * <p>No wake-up is lost: the consumer announces itself before it checks the cursor once more and parks, and a
 * producer reads the announcement after it moved the cursor, both through volatile accesses, so one of them sees
 * the other. A park is also bounded ({@value #MAX_PARK_NANOS} ns), as a safety net. With more than one
 * consumer thread only the last to park would be woken; the others would wait out their bound: a ring with more
 * consumers has a part, and a strategy, for each.
 */
final class ParkingWaitStrategy implements WaitStrategy {
    private static final long MAX_PARK_NANOS = 10_000_000L;

    private final long maxParkNanos;
    private volatile Thread parked;

    ParkingWaitStrategy() {
        this(MAX_PARK_NANOS);
    }

    /** With parks bounded by {@code maxParkNanos}: tests make it long, so that a lost wake-up would hang. */
    ParkingWaitStrategy(long maxParkNanos) {
        this.maxParkNanos = maxParkNanos;
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException {
        if (cursor.get() < sequence) {
            Thread self = Thread.currentThread();
            try {
                while (cursor.get() < sequence) {
                    parked = self;
                    barrier.checkAlert();
                    if (cursor.get() < sequence) {
                        LockSupport.parkNanos(this, maxParkNanos);
                    }
                }
            } finally {
                parked = null;
            }
        }
        long available;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        Thread waiting = parked;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }
}
