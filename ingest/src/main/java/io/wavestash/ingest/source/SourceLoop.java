package io.wavestash.ingest.source;

import io.wavestash.config.ClockConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The part every source shares: the running byte offset of the session, real-time pacing against the session's
 * own sample clock (so pacing errors never accumulate), turning refused chunks into dropout ranges that are
 * published as soon as the ring takes them, and, for real-time sources, watching the sample clock against the
 * monotonic clock ({@link ClockTracker}): timing anchors, and frames a live line lost.
 */
final class SourceLoop {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SourceLoop.class.getName());

    private final String sensor;
    private final long session;
    private final int frameBytes;
    private final int rate;
    private final Pacer pacer;
    private final Publisher publisher;
    private final long limitBytes;
    private Pacer clock;
    private long startNanos;
    private ClockTracker tracker;
    /** Nominal nanoseconds are scaled by this to get the pacer's deadline (a simulated clock error). */
    private double paceScale = 1;

    private long block;
    private long dropFrom = -1;
    private long dropTo = -1;
    private final ArrayDeque<long[]> anchors = new ArrayDeque<>();
    /** Chunks of a live line held back while an overrun is being measured. */
    private final List<Held> held = new ArrayList<>();

    private int holdChunks;
    private long lastArrival;

    /** A loop that emits at most {@code maxFrames} frames ({@link Long#MAX_VALUE}: no limit). */
    SourceLoop(
            String sensor, long session, int frameBytes, int rate, long maxFrames, Pacer pacer, Publisher publisher) {
        this.sensor = sensor;
        this.session = session;
        this.frameBytes = frameBytes;
        this.rate = rate;
        this.pacer = pacer;
        this.publisher = publisher;
        this.clock = pacer;
        this.startNanos = pacer == null ? 0 : pacer.nanoTime();
        this.limitBytes = maxFrames >= Long.MAX_VALUE / frameBytes ? Long.MAX_VALUE : maxFrames * frameBytes;
    }

    /**
     * Watches the sample clock against {@code monotonic} (read now as the session's start) and records timing
     * anchors. With {@code lineBufferFrames > 0} the source is a live line holding that many frames: arrivals
     * later than it could have held them are recorded as lost.
     */
    SourceLoop watchClock(Pacer monotonic, ClockConfig config, long lineBufferFrames, int chunkFrames) {
        this.clock = monotonic;
        this.startNanos = monotonic.nanoTime();
        long overrun = 0;
        this.holdChunks = (int) Math.min(64, lineBufferFrames / Math.max(1, chunkFrames) + 3);
        if (lineBufferFrames > 0) {
            long slack = Math.max(50_000_000L, 2L * chunkFrames * 1_000_000_000L / rate);
            overrun = lineBufferFrames * 1_000_000_000L / rate + slack;
        }
        this.tracker = new ClockTracker(
                rate,
                startNanos,
                Math.max(1, Math.round(config.anchorSeconds() * rate)),
                Math.round(config.toleranceMs() * 1_000_000),
                overrun);
        return this;
    }

    /** Paces as a sample clock running {@code ppm} parts per million fast would (negative: slow). */
    SourceLoop drift(double ppm) {
        this.paceScale = 1 / (1 + ppm * 1e-6);
        return this;
    }

    /** True once the frame limit is reached; the source should end. */
    boolean done() {
        return block + heldBytes() >= limitBytes;
    }

    /**
     * Emits {@code length} bytes (whole frames, cut at the frame limit) as the next chunk, waiting first until
     * they are due.
     */
    void emit(byte[] bytes, int length) throws InterruptedException {
        if (pacer != null && whole(length) > 0) {
            pacer.awaitNanos(dueNanos(length));
        }
        emitNow(bytes, 0, length);
    }

    /** The bytes of a chunk of {@code length} that are emitted: whole frames, cut at the frame limit. */
    private int whole(int length) {
        return (int) Math.min(length - length % frameBytes, limitBytes - block - heldBytes());
    }

    /**
     * When the next chunk, of {@code length} bytes, is due on the pacer's clock: when its last frame has been
     * captured. {@link Long#MIN_VALUE} for a loop that is not paced.
     */
    long dueNanos(int length) {
        if (pacer == null) {
            return Long.MIN_VALUE;
        }
        long due = ClockTracker.nominalNanos((block + Math.max(0, whole(length))) / frameBytes, rate);
        return startNanos + (paceScale == 1 ? due : Math.round(due * paceScale));
    }

    /** Emits the next chunk without waiting for it to be due (its pacing is the caller's). */
    void emitNow(byte[] bytes, int offset, int length) {
        int whole = whole(length);
        if (whole <= 0) {
            return;
        }
        if (tracker != null && tracker.overrunNanos() > 0) {
            long now = clock.nanoTime();
            long excess = tracker.excessNanos((block + heldBytes() + whole) / frameBytes, now);
            long gap = now - lastArrival;
            lastArrival = now;
            if (!held.isEmpty() || excess > tracker.overrunNanos()) {
                held.add(new Held(java.util.Arrays.copyOfRange(bytes, offset, offset + whole), now, excess, gap));
                if (held.size() >= holdChunks) {
                    resolveOverrun();
                }
                return;
            }
            publish(bytes, offset, whole, now);
            return;
        }
        publish(bytes, offset, whole, clock == null ? 0 : clock.nanoTime());
    }

    private void publish(byte[] bytes, int offset, int whole, long now) {
        if (tracker != null) {
            ClockTracker.Reading r = tracker.observe((block + whole) / frameBytes, now);
            if (r.anchorFrame() > 0) {
                anchors.add(new long[] {r.anchorFrame(), r.anchorOffsetNanos()});
            }
            if (tracker.unclocked()) {
                tracker = null;
                held.clear();
                LOG.warning("sensor " + sensor + ": samples come more than "
                        + Math.round(ClockTracker.MAX_RATE_ERROR * 100) + "% faster or slower than real time;"
                        + " its device is not paced by a clock, so no timing anchors or overruns are recorded");
            }
        }
        if (dropFrom >= 0 && publisher.dropout(sensor, session, dropFrom, dropTo)) {
            dropFrom = dropTo = -1;
        }
        while (!anchors.isEmpty() && publisher.anchor(sensor, session, anchors.peek()[0], anchors.peek()[1])) {
            anchors.poll();
        }
        if (!publisher.chunk(sensor, session, block, bytes, offset, whole)) {
            drop(block, block + whole);
        }
        block += whole;
    }

    /**
     * A live line delivered chunks later than its buffer could have held them, so frames were lost. The chunks
     * since were held back; now their lateness tells where the loss was and how long. A line that keeps its
     * buffer on an overrun first delivers what the buffer held, back to back and each a chunk's time less late,
     * then fresh audio, a chunk's time apart and late by exactly the lost time; one that empties its buffer
     * delivers fresh audio at once. Either way the smallest lateness is the loss, and the first chunk after it
     * is the first that both came a while after the one before and is about that late. Lateness that fell
     * back below the buffer's time was only a stall: nothing was lost.
     */
    private void resolveOverrun() {
        long least = held.stream().mapToLong(h -> h.excess).min().orElseThrow();
        long lostFrames = least > tracker.overrunNanos() ? least * rate / 1_000_000_000L : 0;
        long halfChunk = (long) held.get(0).bytes.length / frameBytes * 500_000_000L / rate;
        List<Held> all = new ArrayList<>(held);
        held.clear();
        boolean skipped = lostFrames == 0;
        if (!skipped && all.stream().noneMatch(h -> h.excess <= least + halfChunk && h.gap >= halfChunk)) {
            all.get(0).gap = Long.MAX_VALUE; // no chunk tells: the loss goes before the first held one
        }
        for (Held h : all) {
            if (!skipped && h.excess <= least + halfChunk && h.gap >= halfChunk) {
                long lost = lostFrames * frameBytes;
                drop(block, block + lost);
                block += lost;
                tracker.skipped(block / frameBytes);
                LOG.warning("sensor " + sensor + ": the line lost " + lostFrames + " frames ("
                        + lostFrames * 1000 / rate + " ms) it could not buffer; recorded as a dropout");
                skipped = true;
            }
            publish(h.bytes, 0, h.bytes.length, h.nanos);
        }
    }

    private long heldBytes() {
        long n = 0;
        for (int i = 0; i < held.size(); i++) { // no iterator: this runs for every chunk of every source
            n += held.get(i).bytes.length;
        }
        return n;
    }

    private static final class Held {
        final byte[] bytes;
        final long nanos;
        final long excess;
        long gap;

        Held(byte[] bytes, long nanos, long excess, long gap) {
            this.bytes = bytes;
            this.nanos = nanos;
            this.excess = excess;
            this.gap = gap;
        }
    }

    /** Adds {@code [from, to)} to the pending dropout, publishing the pending one first if they do not touch. */
    private void drop(long from, long to) {
        if (dropFrom >= 0 && dropTo != from) {
            finish();
        }
        if (dropFrom < 0) {
            dropFrom = from;
        }
        dropTo = to;
    }

    /** Bytes emitted (or dropped) so far. */
    long block() {
        return block;
    }

    /** Publishes held chunks, a pending dropout and anchors, waiting if it must. */
    void finish() {
        if (!held.isEmpty()) {
            resolveOverrun();
        }
        if (dropFrom >= 0) {
            for (int attempt = 0; !publisher.dropout(sensor, session, dropFrom, dropTo); attempt++) {
                Publisher.backOff(attempt);
            }
            dropFrom = dropTo = -1;
        }
        for (int attempt = 0; !anchors.isEmpty(); attempt++) {
            if (publisher.anchor(sensor, session, anchors.peek()[0], anchors.peek()[1])) {
                anchors.poll();
            } else {
                Publisher.backOff(attempt);
            }
        }
    }
}
