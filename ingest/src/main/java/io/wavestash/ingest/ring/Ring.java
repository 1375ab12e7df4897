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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The LMAX Disruptor ring between capture sources and the journal: preallocated events, chunk bytes measured
 * ({@link ChunkMeter}) and copied in by the publishing source, handlers that keep them, run in turn on one thread.
 * Each sensor's backpressure policy decides whether its source waits for room ({@link Backpressure#BLOCK}) or has
 * the chunk refused so it can record a dropout ({@link Backpressure#DROP}).
 *
 * <p>With more than one consumer the ring is split in as many parts, each with its own consumer thread and
 * handlers, and the sensors are dealt out among them: every event of a sensor goes through the same part, in the
 * order it was published, while the parts' consumers, and the kernel's writes they make, run on different cores.
 */
public final class Ring implements Publisher, AutoCloseable {
    private final Shard[] shards;
    /** Each configured sensor's policy and part of the ring. */
    private final Map<String, Route> routes;

    private final ChunkMeter meter;
    private final LongAdder refused = new LongAdder();

    private record Route(Backpressure policy, Shard shard) {}

    /** A ring whose chunks {@code meter} measures as they are published, and whose events go through {@code keep}. */
    public Ring(
            int size,
            Map<String, Backpressure> policies,
            ExceptionHandler<ChunkEvent> errors,
            ChunkMeter meter,
            List<EventHandler<ChunkEvent>> keep) {
        this(size, 1, policies, errors, meter, consumer -> keep, () -> {});
    }

    /**
     * A ring of {@code size} slots in all, split among {@code consumers} consumer threads; the events of consumer
     * {@code i}'s sensors go through the handlers {@code keep.apply(i)}, which only that thread calls, after it ran
     * {@code onStart} (which may set how it is scheduled).
     */
    public Ring(
            int size,
            int consumers,
            Map<String, Backpressure> policies,
            ExceptionHandler<ChunkEvent> errors,
            ChunkMeter meter,
            IntFunction<List<EventHandler<ChunkEvent>>> keep,
            Runnable onStart) {
        if (consumers < 1 || Integer.bitCount(size) != 1 || size / consumers < 2) {
            throw new IllegalArgumentException(
                    "a ring of " + size + " slots cannot be split among " + consumers + " consumers");
        }
        this.meter = meter;
        this.shards = new Shard[consumers];
        int shardSize = Integer.highestOneBit(size / consumers);
        for (int i = 0; i < consumers; i++) {
            shards[i] = new Shard(
                    shardSize,
                    consumers == 1 ? "wavestash-ring" : "wavestash-ring-" + i,
                    errors,
                    keep.apply(i),
                    onStart);
        }
        // dealt out in turn, in the sensors' order: the parts get as many sensors each, give or take one
        Map<String, Route> dealt = new HashMap<>();
        int next = 0;
        for (String sensor : new TreeSet<>(policies.keySet())) {
            dealt.put(sensor, new Route(policies.get(sensor), shards[next++ % consumers]));
        }
        this.routes = Map.copyOf(dealt);
    }

    private Route route(String sensor) {
        Route r = routes.get(sensor);
        return r != null ? r : new Route(Backpressure.BLOCK, shards[Math.floorMod(sensor.hashCode(), shards.length)]);
    }

    @Override
    public void session(SessionMeta meta) {
        meter.session(meta);
        byte[] json = SessionMetaJson.write(meta);
        Shard shard = route(meta.sensor().value()).shard;
        long seq = shard.awaitSlot();
        shard.ring
                .get(seq)
                .set(
                        ChunkEvent.Kind.SESSION,
                        meta.sensor().value(),
                        meta.startEpochMicros(),
                        0,
                        0,
                        json,
                        0,
                        json.length);
        shard.ring.publish(seq);
    }

    @Override
    public boolean chunk(String sensor, long session, long block, byte[] bytes, int offset, int length) {
        // measured before a slot is claimed: a claimed slot holds up the consumer until it is published
        float dbfs = meter.dbfs(sensor, bytes, offset, length);
        boolean silent = !Float.isNaN(dbfs) && meter.silent(dbfs);
        Route route = route(sensor);
        long seq = route.shard.claim(route.policy);
        if (seq < 0) {
            refused.increment();
            return false;
        }
        ChunkEvent event = route.shard.ring.get(seq);
        event.set(ChunkEvent.Kind.CHUNK, sensor, session, block, block + length, bytes, offset, length);
        event.measured(dbfs, silent);
        route.shard.ring.publish(seq);
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
        Route route = route(sensor);
        long seq = route.shard.claim(route.policy);
        if (seq < 0) {
            return false;
        }
        route.shard.ring.get(seq).set(kind, sensor, session, a, b, null, 0, 0);
        route.shard.ring.publish(seq);
        return true;
    }

    /** Chunks refused because the ring was full (sensors with the drop policy). */
    public long refused() {
        return refused.sum();
    }

    /** Free slots, in all parts of the ring. */
    public long remainingCapacity() {
        long free = 0;
        for (Shard s : shards) {
            free += s.ring.remainingCapacity();
        }
        return free;
    }

    /** Slots, in all parts of the ring. */
    public int size() {
        return shards.length * shards[0].ring.getBufferSize();
    }

    /** Threads that consume the ring, each for its share of the sensors. */
    public int consumers() {
        return shards.length;
    }

    /** Waits until every published event has been handled, then stops the handler threads. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        boolean drained = true;
        for (Shard s : shards) {
            drained &= s.drain(deadline);
        }
        for (Shard s : shards) {
            s.disruptor.halt();
        }
        if (!drained) {
            throw new IllegalStateException("the ring did not drain within a minute");
        }
    }

    /** One part of the ring: its own Disruptor, and the one thread that runs its handlers. */
    private static final class Shard {
        final Disruptor<ChunkEvent> disruptor;
        final RingBuffer<ChunkEvent> ring;

        Shard(
                int size,
                String thread,
                ExceptionHandler<ChunkEvent> errors,
                List<EventHandler<ChunkEvent>> keep,
                Runnable onStart) {
            this.disruptor = new Disruptor<>(
                    ChunkEvent::new,
                    size,
                    r -> consumerThread(r, thread, onStart),
                    ProducerType.MULTI,
                    new ParkingWaitStrategy());
            disruptor.setDefaultExceptionHandler(errors);
            // One thread runs every handler in turn. A second stage on its own thread would busy-spin while it
            // waits for the first (the Disruptor's wait strategies all spin on a dependent stage), taking a core
            // from the stage it waits for on a small device.
            disruptor.handleEventsWith(new InTurn(keep, errors));
            this.ring = disruptor.start();
        }

        long claim(Backpressure policy) {
            if (policy == Backpressure.BLOCK) {
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
        long awaitSlot() {
            for (int attempt = 0; ; attempt++) {
                try {
                    return ring.tryNext();
                } catch (InsufficientCapacityException full) {
                    Publisher.backOff(attempt);
                }
            }
        }

        /**
         * Waits until the consumer has handled every event published, or {@code deadline}; true if it has. By the
         * ring's own gating sequence, not the Disruptor's shutdown: that waits only for consumers already running,
         * and halts one whose thread has not started yet with every event published before it.
         */
        boolean drain(long deadline) {
            while (ring.getMinimumGatingSequence() < ring.getCursor()) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                LockSupport.parkNanos(1_000_000L);
            }
            return true;
        }
    }

    /** The thread that runs the handlers: it acknowledges chunks, so it keeps the daemon's priority. */
    private static Thread consumerThread(Runnable r, String name, Runnable onStart) {
        Thread t = new Thread(
                () -> {
                    onStart.run();
                    r.run();
                },
                name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Handlers run one after the other on a consumer thread. One that fails on an event goes to the
     * exception handler, and the next still gets the event: a failed measurement never keeps a chunk from the
     * journal.
     */
    private static final class InTurn implements EventHandler<ChunkEvent> {
        private final EventHandler<ChunkEvent>[] handlers;
        private final ExceptionHandler<ChunkEvent> errors;

        @SuppressWarnings("unchecked")
        InTurn(List<EventHandler<ChunkEvent>> handlers, ExceptionHandler<ChunkEvent> errors) {
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
