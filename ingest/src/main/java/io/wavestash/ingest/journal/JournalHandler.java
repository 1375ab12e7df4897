package io.wavestash.ingest.journal;

import com.lmax.disruptor.EventHandler;
import io.wavestash.ingest.DiskGuard;
import io.wavestash.ingest.IngestStats;
import io.wavestash.ingest.ring.ChunkEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The ring's handler: appends every event to the journal, which acknowledges it. It keeps a floor of free
 * space on the journal's disk: a chunk that would go below it is not journaled but recorded as a dropout, and
 * sessions and dropouts (a few bytes) have a lower floor of their own, so that the daemon keeps running, and
 * says what it lost, on a full disk. What could not be journaled is appended as soon as there is room again.
 * With a {@link Placement}, a chunk's bytes go into the store and its record only says where (see there).
 */
public final class JournalHandler implements EventHandler<ChunkEvent> {
    private static final Logger LOG = Logger.getLogger(JournalHandler.class.getName());

    /** Free space a chunk may not eat into. */
    public static final long CHUNK_FLOOR_BYTES = 16L << 20;
    /** Free space kept for session and dropout records, which chunks may not use. */
    public static final long RECORD_FLOOR_BYTES = 2L << 20;

    /** Chunk bytes staged beyond which they are written before the batch ends. */
    private static final long STAGED_LIMIT = 4L << 20;

    private final Journal.Writer journal;
    private final IngestStats stats;
    private final DiskGuard guard;
    private final List<Object> backlog = new ArrayList<>();
    private final Placement placement;
    private boolean full;
    /** Chunks taken into their sensors' runs in this batch, journaled once the runs are written. */
    private final List<Staged> staged = new ArrayList<>();

    private long stagedBytes;
    private volatile Acknowledgements listener;

    private JournalHandler(Journal.Writer journal, IngestStats stats, DiskGuard guard, Placement placement) {
        this.journal = journal;
        this.stats = stats;
        this.guard = guard;
        this.placement = placement;
    }

    /**
     * A handler that writes chunks' bytes into the store, where it can ({@code store}'s placer, {@code storeGuard}
     * watching the store's disk), and journals only where they went; the rest, and everything when the store
     * cannot take bytes ahead, go into the journal whole. Nothing is placed until {@code materializer} has stored
     * what the journal held before. The store's files are created on {@code preparing}. One thread calls it, and
     * appends through {@code journal}, a writer of its own; {@code guard} and {@code storeGuard} are its own too.
     */
    public static JournalHandler placing(
            Journal.Writer journal,
            IngestStats stats,
            DiskGuard guard,
            io.wavestash.storage.ChunkStore store,
            DiskGuard storeGuard,
            Materializer materializer,
            java.util.concurrent.Executor preparing) {
        io.wavestash.storage.ChunkPlacer placer = store.placer();
        return new JournalHandler(
                journal,
                stats,
                guard,
                placer == null ? null : new Placement(placer, storeGuard, materializer::replayed, preparing));
    }

    @Override
    public void onEvent(ChunkEvent event, long sequence, boolean endOfBatch) {
        try {
            if (event.kind() == ChunkEvent.Kind.CHUNK) {
                // room for the record first: kept-back records are tiny and have a lower floor
                boolean room = guard.take(Journal.RECORD_OVERHEAD, CHUNK_FLOOR_BYTES);
                if (room && stage(event)) {
                    if (stagedBytes >= STAGED_LIMIT) {
                        writeStaged();
                    }
                    return;
                }
                writeStaged(); // what came before goes into the journal before this
                journalWhole(event, room);
                return;
            }
            writeStaged();
            handle(event);
        } finally {
            if (endOfBatch) {
                writeStaged();
            }
        }
    }

    /** Journals a session, dropout or anchor record, or keeps it back while there is no room. */
    private void handle(ChunkEvent event) {
        switch (event.kind()) {
            case SESSION -> {
                if (placement != null) {
                    placement.session(event.sensor(), event.data(), event.length());
                }
                if (!drainBacklog() || !guard.take(event.length() + Journal.RECORD_OVERHEAD, RECORD_FLOOR_BYTES)) {
                    backlog.add(new SessionRecord(event.sensor(), event.data().clone(), event.length()));
                    return;
                }
                journal.append(event);
            }
            case CHUNK -> {} // journalWhole, or staged
            case DROPOUT -> {
                stats.dropout(event.sensor(), event.blockEnd() - event.block());
                if (!drainBacklog() || !guard.take(Journal.RECORD_OVERHEAD, RECORD_FLOOR_BYTES)) {
                    backlog.add(new Dropout(event.sensor(), event.session(), event.block(), event.blockEnd()));
                    return;
                }
                journal.append(event);
            }
            case ANCHOR -> {
                if (!drainBacklog() || !guard.take(Journal.RECORD_OVERHEAD, RECORD_FLOOR_BYTES)) {
                    backlog.add(new Anchor(event.sensor(), event.session(), event.block(), event.blockEnd()));
                    return;
                }
                journal.append(event);
            }
        }
    }

    /** Journals a chunk with its bytes, {@code recordRoom} saying whether the guard had room for its record. */
    private void journalWhole(ChunkEvent event, boolean recordRoom) {
        if (!recordRoom || !drainBacklog() || !guard.take(event.length(), CHUNK_FLOOR_BYTES)) {
            refuse(event.sensor(), event.session(), event.block(), event.block() + event.length());
            return;
        }
        journal.append(event);
        acknowledged(event.sensor(), event.block(), event.length(), false, event.publishedNanos());
    }

    /**
     * Takes a chunk, whose record has room, to be placed into the store with the chunks of its sensor that follow
     * it in this batch (see {@link Placement.Run}); false when it goes into the journal whole, as it comes.
     */
    private boolean stage(ChunkEvent e) {
        if (placement == null || !backlog.isEmpty()) {
            return false;
        }
        Placement.Run run = placement.stage(e);
        if (run == Placement.WRITE_FIRST) {
            writeStaged();
            run = placement.stage(e);
        }
        if (run == null || run == Placement.WRITE_FIRST) {
            return false;
        }
        staged.add(new Staged(Journal.Chunk.of(e), e.publishedNanos(), run, run.length - e.length()));
        stagedBytes += e.length();
        return true;
    }

    /**
     * Writes the staged chunks into the store, a run per sensor, then journals them in the order they came: where
     * they went, or, where a run could not be written, their bytes.
     */
    private void writeStaged() {
        if (staged.isEmpty()) {
            return;
        }
        try {
            placement.writeRuns();
            for (Staged s : staged) {
                Journal.Chunk c = s.chunk;
                boolean placed = s.run.written;
                if (!drainBacklog() || (!placed && !guard.take(c.length(), CHUNK_FLOOR_BYTES))) {
                    refuse(c.sensor(), c.session(), c.block(), c.block() + c.length());
                    continue;
                }
                journal.appendChunk(c, s.run.bytes, s.offset, placed);
                acknowledged(c.sensor(), c.block(), c.length(), placed, s.publishedNanos);
            }
        } finally {
            staged.clear();
            stagedBytes = 0;
            placement.clearRuns();
        }
    }

    private void acknowledged(String sensor, long block, int length, boolean placed, long publishedNanos) {
        if (full) {
            full = false;
            LOG.warning("the journal's disk has room again: " + guard.dir());
        }
        stats.sensor(sensor).journaled(length, placed);
        long now = System.nanoTime();
        stats.captureToDurable.record(now - publishedNanos, TimeUnit.NANOSECONDS);
        Acknowledgements listener = this.listener;
        if (listener != null) {
            listener.acknowledged(sensor, block, publishedNanos, now);
        }
    }

    /** Told of each chunk as its journal record is appended (it is acknowledged), on the ring's thread. */
    @FunctionalInterface
    public interface Acknowledgements {
        void acknowledged(String sensor, long block, long publishedNanos, long nowNanos);
    }

    /** Sets who is told of each chunk acknowledged (one listener; null for none). */
    public void onAcknowledged(Acknowledgements listener) {
        this.listener = listener;
    }

    /** Records already kept back (by their count) that still wait for room; 0 once all are journaled. */
    public int backlog() {
        return backlog.size();
    }

    private void refuse(String sensor, long session, long from, long to) {
        if (!full) {
            full = true;
            LOG.warning("the journal's disk is full (" + guard.usableBytes() + " bytes free under " + guard.dir()
                    + "); chunks are recorded as dropouts until there is room");
        }
        stats.refused(sensor, to - from);
        if (!backlog.isEmpty()
                && backlog.get(backlog.size() - 1) instanceof Dropout last
                && last.extends_(sensor, session, from)) {
            backlog.set(backlog.size() - 1, new Dropout(sensor, session, last.from, to));
            return;
        }
        stats.dropout(sensor, 0);
        backlog.add(new Dropout(sensor, session, from, to));
    }

    /** Appends what was kept back, oldest first; true when nothing is left. */
    private boolean drainBacklog() {
        while (!backlog.isEmpty()) {
            Object next = backlog.get(0);
            if (next instanceof SessionRecord s) {
                if (!guard.take(s.length + Journal.RECORD_OVERHEAD, RECORD_FLOOR_BYTES)) {
                    return false;
                }
                journal.appendSession(s.sensor, s.json, s.length);
            } else if (next instanceof Dropout d) {
                if (!guard.take(Journal.RECORD_OVERHEAD, RECORD_FLOOR_BYTES)) {
                    return false;
                }
                journal.appendDropout(d.sensor, d.session, d.from, d.to);
            } else if (next instanceof Anchor a) {
                if (!guard.take(Journal.RECORD_OVERHEAD, RECORD_FLOOR_BYTES)) {
                    return false;
                }
                journal.appendAnchor(a.sensor, a.session, a.frame, a.offsetNanos);
            }
            backlog.remove(0);
        }
        return true;
    }

    /** A chunk taken into its sensor's run, journaled once the run is written. */
    private record Staged(Journal.Chunk chunk, long publishedNanos, Placement.Run run, int offset) {}

    private record Anchor(String sensor, long session, long frame, long offsetNanos) {}

    private record SessionRecord(String sensor, byte[] json, int length) {}

    private record Dropout(String sensor, long session, long from, long to) {
        boolean extends_(String sensor, long session, long from) {
            return this.sensor.equals(sensor) && this.session == session && this.to == from;
        }
    }
}
