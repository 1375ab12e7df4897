package io.wavestash.ingest.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.wavestash.config.Backpressure;
import io.wavestash.ingest.source.Publisher;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The LMAX Disruptor ring between capture sources and the journal: preallocated events, chunk bytes measured
 * ({@link ChunkMeter}) and copied in by the publishing source, handlers that keep them, run in turn on one thread.
 * Each sensor's backpressure policy decides whether its source waits for room ({@link Backpressure#BLOCK}) or has
 * the chunk refused so it can record a dropout ({@link Backpressure#DROP}).
 */
public final class Ring implements Publisher, AutoCloseable {
    private final Disruptor<ChunkEvent> disruptor;
    private final RingBuffer<ChunkEvent> ring;
    private final Map<String, Backpressure> policies;
    private final ChunkMeter meter;
    private final LongAdder refused = new LongAdder();

    /** A ring whose chunks {@code meter} measures as they are published, and whose events go through {@code keep}. */
    public Ring(
            int size,
            Map<String, Backpressure> policies,
            ExceptionHandler<ChunkEvent> errors,
            ChunkMeter meter,
            java.util.List<EventHandler<ChunkEvent>> keep) {
        this.policies = Map.copyOf(policies);
        this.meter = meter;
        this.disruptor = new Disruptor<>(
                ChunkEvent::new, size, Ring::consumerThread, ProducerType.MULTI, new ParkingWaitStrategy());
        disruptor.setDefaultExceptionHandler(errors);
        // One thread runs every handler in turn. A second stage on its own thread would busy-spin while it
        // waits for the first (the Disruptor's wait strategies all spin on a dependent stage), taking a core
        // from the stage it waits for on a small device.
        disruptor.handleEventsWith(new InTurn(keep, errors));
        this.ring = disruptor.start();
    }

    /** The thread that runs the handlers: it acknowledges chunks, so it keeps the daemon's priority. */
    private static Thread consumerThread(Runnable r) {
        Thread t = new Thread(r, "wavestash-ring");
        t.setDaemon(true);
        return t;
    }

    @Override
    public void session(SessionMeta meta) {
        meter.session(meta);
        byte[] json = SessionMetaJson.write(meta);
        long seq = awaitSlot();
        ring.get(seq)
                .set(
                        ChunkEvent.Kind.SESSION,
                        meta.sensor().value(),
                        meta.startEpochMicros(),
                        0,
                        0,
                        json,
                        0,
                        json.length);
        ring.publish(seq);
    }

    @Override
    public boolean chunk(String sensor, long session, long block, byte[] bytes, int offset, int length) {
        // measured before a slot is claimed: a claimed slot holds up the consumer until it is published
        float dbfs = meter.dbfs(sensor, bytes, offset, length);
        boolean silent = !Float.isNaN(dbfs) && meter.silent(dbfs);
        long seq = claim(sensor);
        if (seq < 0) {
            refused.increment();
            return false;
        }
        ChunkEvent event = ring.get(seq);
        event.set(ChunkEvent.Kind.CHUNK, sensor, session, block, block + length, bytes, offset, length);
        event.measured(dbfs, silent);
        ring.publish(seq);
        meter.taken(sensor, dbfs, silent);
        return true;
    }

    @Override
    public boolean dropout(String sensor, long session, long fromBlock, long toBlock) {
        return mark(ChunkEvent.Kind.DROPOUT, sensor, session, fromBlock, toBlock);
    }

    @Override
    public boolean anchor(String sensor, long session, long frame, long offsetNanos) {
        return mark(ChunkEvent.Kind.ANCHOR, sensor, session, frame, offsetNanos);
    }

    /** Publishes an event without data (its two numbers in block and block end); false if refused. */
    private boolean mark(ChunkEvent.Kind kind, String sensor, long session, long a, long b) {
        long seq = claim(sensor);
        if (seq < 0) {
            return false;
        }
        ring.get(seq).set(kind, sensor, session, a, b, null, 0, 0);
        ring.publish(seq);
        return true;
    }

    private long claim(String sensor) {
        if (policies.getOrDefault(sensor, Backpressure.BLOCK) == Backpressure.BLOCK) {
            return awaitSlot();
        }
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException full) {
            return -1;
        }
    }

    /**
     * Claims a slot, waiting for one as {@link Publisher#backOff} says (the Disruptor's own wait re-parks every
     * nanosecond).
     */
    private long awaitSlot() {
        for (int attempt = 0; ; attempt++) {
            try {
                return ring.tryNext();
            } catch (InsufficientCapacityException full) {
                Publisher.backOff(attempt);
            }
        }
    }

    /** Chunks refused because the ring was full (sensors with the drop policy). */
    public long refused() {
        return refused.sum();
    }

    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    public int size() {
        return ring.getBufferSize();
    }

    /** Waits until every published event has been handled, then stops the handler threads. */
    @Override
    public void close() {
        // the ring's own gating sequence, not the Disruptor's shutdown: that waits only for consumers already
        // running, and halts one whose thread has not started yet with every event published before it
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (ring.getMinimumGatingSequence() < ring.getCursor()) {
            if (System.nanoTime() - deadline > 0) {
                disruptor.halt();
                throw new IllegalStateException("the ring did not drain within a minute");
            }
            LockSupport.parkNanos(1_000_000L);
        }
        disruptor.halt();
    }

    /**
     * Handlers run one after the other on the ring's one consumer thread. One that fails on an event goes to the
     * exception handler, and the next still gets the event: a failed measurement never keeps a chunk from the
     * journal.
     */
    private static final class InTurn implements EventHandler<ChunkEvent> {
        private final EventHandler<ChunkEvent>[] handlers;
        private final ExceptionHandler<ChunkEvent> errors;

        @SuppressWarnings("unchecked")
        InTurn(java.util.List<EventHandler<ChunkEvent>> handlers, ExceptionHandler<ChunkEvent> errors) {
            this.handlers = handlers.toArray(EventHandler[]::new);
            this.errors = errors;
        }

        @Override
        public void onEvent(ChunkEvent event, long sequence, boolean endOfBatch) {
            for (EventHandler<ChunkEvent> h : handlers) {
                try {
                    h.onEvent(event, sequence, endOfBatch);
                } catch (Throwable e) {
                    errors.handleEventException(e, sequence, event);
                }
            }
        }
    }
}
