package io.wavestash.ingest.journal;

import io.wavestash.ingest.DiskGuard;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.storage.ChunkPlacer;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Writes chunks into the store from the ring's handler, ahead of their journal records, so that a record holds
 * where its chunk went instead of its bytes and every byte is written once. The bytes are as safe as a journal
 * record's: both live in the page cache until forced, and a commit forces the store's files before it moves past
 * the records. A chunk is placed only when nothing stored can be in its way: its session is new to the store,
 * began once the journal's earlier records were all stored, and was begun once in this run; and the chunk is
 * whole frames past the last one placed in its session. Any other chunk goes into the journal whole, and the
 * store checks it as always. Files are created on another thread ({@code preparing}): a session's chunks go into
 * the journal whole until its file is ready, and the next file is made ready while the last quarter of the one
 * before is written, so that a thousand sessions beginning, or crossing into new files, at once do not hold up
 * their acknowledgements. One thread (the ring's handler) calls it.
 */
final class Placement {
    private static final Logger LOG = Logger.getLogger(Placement.class.getName());

    private final ChunkPlacer placer;
    private final DiskGuard guard;
    private final BooleanSupplier replayed;
    private final Executor preparing;
    /** The session each sensor places chunks of, if any. */
    private final Map<String, Placing> placing = new HashMap<>();
    /** Every session begun in this run, by sensor and start: one begun again is not placed into. */
    private final Set<String> begun = new HashSet<>();

    private final RepeatedWarnings warnings = new RepeatedWarnings(LOG);

    /**
     * Places with {@code placer} while the store's disk ({@code guard}) keeps the store's floor, once {@code
     * replayed} says the journal's records from before this run are stored.
     */
    Placement(ChunkPlacer placer, DiskGuard guard, BooleanSupplier replayed, Executor preparing) {
        this.placer = placer;
        this.guard = guard;
        this.replayed = replayed;
        this.preparing = preparing;
    }

    /** A session begins on a sensor: its chunks are placed if it is new to the store. */
    void session(String sensor, byte[] json, int length) {
        placing.remove(sensor);
        SessionMeta meta;
        try {
            meta = SessionMetaJson.read(Arrays.copyOf(json, length), "session of sensor " + sensor);
        } catch (RuntimeException e) {
            return; // the store refuses it too, and says why
        }
        if (begun.size() >= BEGUN_LIMIT) {
            // the store's own check covers sessions begun long ago: their metadata is stored by now
            begun.clear();
        }
        boolean first = begun.add(sensor + "@" + meta.startEpochMicros());
        if (!first
                || meta.sensor().isQualified()
                || !meta.sensor().value().equals(sensor)
                || !replayed.getAsBoolean()) {
            return;
        }
        try {
            if (placer.isNew(meta)) {
                Placing p = new Placing(meta, meta.format().frameBytes(), placer.span(meta));
                placing.put(sensor, p);
                prepare(p, 0);
            }
        } catch (IOException | RuntimeException e) {
            warnings.warn("cannot tell whether the store holds session " + meta.startEpochMicros() + " of sensor "
                    + sensor + "; its chunks go into the journal whole: " + e.getMessage());
        }
    }

    /** Writes a chunk into the store; false when it must go into the journal whole. */
    boolean place(ChunkEvent e) {
        Placing p = placing.get(e.sensor());
        int length = e.length();
        if (p == null
                || p.meta.startEpochMicros() != e.session()
                || e.block() < p.end
                || e.block() % p.frame != 0
                || length == 0
                || length % p.frame != 0) {
            return false;
        }
        long end = e.block() + length;
        if (end > p.readyTo - p.span / 4) {
            prepare(p, Math.max(e.block(), p.readyTo)); // the next file, while this one's last quarter is written
        }
        if (!guard.take(length + 4096L, Materializer.STORE_FLOOR_BYTES)) {
            return false;
        }
        // past this chunk whatever happens: a write that failed part-way may have left some of its bytes
        p.end = end;
        try {
            if (placer.place(p.meta, e.block(), ByteBuffer.wrap(e.data(), 0, length))) {
                return true;
            }
            prepare(p, e.block()); // not ready (yet, or any more: closed as the least recently written)
            return false;
        } catch (IOException | RuntimeException failed) {
            warnings.warn("cannot write a chunk of sensor " + e.sensor()
                    + " into the store; it goes into the journal whole: " + failed.getMessage());
            return false;
        }
    }

    /** Asks for the file of {@code block} to be made ready, unless that is under way or failed within a second. */
    private void prepare(Placing p, long block) {
        if (p.preparing || System.nanoTime() - p.failedAt < RETRY_NANOS) {
            return;
        }
        p.preparing = true;
        try {
            preparing.execute(() -> {
                try {
                    long to = placer.prepare(p.meta, block);
                    p.readyTo = Math.max(p.readyTo, to);
                } catch (IOException | RuntimeException e) {
                    p.failedAt = System.nanoTime();
                    warnings.warn("cannot create a file of session " + p.meta.startEpochMicros() + " of sensor "
                            + p.meta.sensor() + " in the store; its chunks go into the journal whole: "
                            + e.getMessage());
                } finally {
                    p.preparing = false;
                }
            });
        } catch (RejectedExecutionException stopping) {
            p.preparing = false;
        }
    }

    private static final long RETRY_NANOS = 1_000_000_000L;
    /** Sessions remembered as begun before the oldest are forgotten. */
    private static final int BEGUN_LIMIT = 1 << 16;

    private static final class Placing {
        final SessionMeta meta;
        final int frame;
        /** Bytes of the session one file holds. */
        final long span;
        /** Where the last chunk placed ended. */
        long end;
        /** Where the files made ready end (the preparing thread writes it). */
        volatile long readyTo;

        volatile boolean preparing;
        volatile long failedAt = System.nanoTime() - RETRY_NANOS;

        Placing(SessionMeta meta, int frame, long span) {
            this.meta = meta;
            this.frame = frame;
            this.span = span;
        }
    }
}
