package io.wavestash.ingest.journal;

import io.wavestash.ingest.DiskGuard;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.storage.ChunkPlacer;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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

    /**
     * Takes a chunk's bytes into its sensor's run, to be written into the store with the chunks after it by {@link
     * #writeRuns}; returns that run, {@link #WRITE_FIRST} when the runs must be written before this chunk can be
     * taken (it does not follow its sensor's run, or the run is full), or null when the chunk must go into the
     * journal whole.
     */
    Run stage(ChunkEvent e) {
        Placing p = placing.get(e.sensor());
        int length = e.length();
        if (p == null
                || p.meta.startEpochMicros() != e.session()
                || e.block() < p.end
                || e.block() % p.frame != 0
                || length == 0
                || length % p.frame != 0) {
            return null;
        }
        Run run = p.run;
        if (run.length > 0 && (run.start + run.length != e.block() || run.length + length > RUN_LIMIT)) {
            return WRITE_FIRST;
        }
        long end = e.block() + length;
        if (end > p.readyTo - p.span / 4) {
            prepare(p, Math.max(e.block(), p.readyTo)); // the next file, while this one's last quarter is written
        }
        if (!guard.take(length + 4096L, Materializer.STORE_FLOOR_BYTES)) {
            return null;
        }
        // past this chunk whatever happens: a write that fails part-way may leave some of its bytes
        p.end = end;
        if (run.length == 0) {
            run.start = e.block();
            run.written = false;
            withRuns.add(p);
        }
        run.take(e.data(), length);
        return run;
    }

    /**
     * Writes each run taken since the last call into the store, one write a run; {@link Run#written} then says
     * whether it went in (if not, its chunks go into the journal whole). The runs are emptied by {@link
     * #clearRuns}.
     */
    void writeRuns() {
        for (Placing p : withRuns) {
            Run run = p.run;
            try {
                run.written = placer.place(p.meta, run.start, ByteBuffer.wrap(run.bytes, 0, run.length));
                if (!run.written) {
                    prepare(p, run.start); // not ready (yet, or any more: closed as the least recently written)
                }
            } catch (IOException | RuntimeException failed) {
                run.written = false;
                warnings.warn("cannot write chunks of sensor " + p.meta.sensor()
                        + " into the store; they go into the journal whole: " + failed.getMessage());
            }
        }
    }

    /** Empties the runs once their chunks are journaled. */
    void clearRuns() {
        for (Placing p : withRuns) {
            p.run.length = 0;
        }
        withRuns.clear();
    }

    /** Returned by {@link #stage} when the runs must be written before the chunk can be taken. */
    static final Run WRITE_FIRST = new Run();

    /**
     * Bytes of one sensor's chunks that follow each other, taken from the ring's events and written into the store
     * in one write: a chunk of 100 ms is not a whole number of pages, and the kernel's cost of a small write that
     * ends inside a page (it zeroes the rest of a new one) is about twice that of one a page or more long.
     */
    static final class Run {
        byte[] bytes = new byte[0];
        int length;
        /** The session byte its first chunk begins at. */
        long start;

        boolean written;

        private void take(byte[] src, int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + n, Math.min(RUN_LIMIT, 2 * bytes.length)));
            }
            System.arraycopy(src, 0, bytes, length, n);
            length += n;
        }
    }

    /** Bytes a run holds at most (a longer chunk is a run of its own). */
    static final int RUN_LIMIT = 256 * 1024;

    /** The sensors whose runs hold chunks, in the order their runs began. */
    private final List<Placing> withRuns = new ArrayList<>();

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
        /** Chunks taken and not yet written. */
        final Run run = new Run();
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
