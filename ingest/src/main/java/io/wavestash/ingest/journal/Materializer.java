package io.wavestash.ingest.journal;

import io.wavestash.ingest.Background;
import io.wavestash.ingest.DiskGuard;
import io.wavestash.ingest.IngestStats;
import io.wavestash.storage.ChunkLevel;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import io.wavestash.storage.StoreException;
import io.wavestash.storage.index.SessionEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Tails the journal into the store. What it stored is published (readers see it) at most every {@value
 * #PUBLISH_MILLIS} ms, and at once after a quiet spell; it is committed at most every {@value #COMMIT_MILLIS} ms,
 * and never sooner after the last commit than that commit took: the store is flushed (forced to the device) and
 * the journal index reached is recorded, durably, so a restart resumes there. The forcing runs on a thread of its
 * own ({@code wavestash-commit}) while storing goes on; the last commit, at a stop, is made before returning.
 * Re-applying a record is harmless (sessions and chunks already stored are recognized), which makes it
 * idempotent. Materialized journal cycles are deleted. Publishing and forcing on a clock instead of per batch
 * matters with many sensors: each sends two files (its audio and its index log) a write per publish and a force
 * per commit.
 */
public final class Materializer implements Runnable {
    private static final Logger LOG = Logger.getLogger(Materializer.class.getName());
    private static final long PUBLISH_MILLIS = 100;
    private static final long COMMIT_MILLIS = 1_000;
    private static final String POSITION_FILE = "materialized.pos";

    private final Journal journal;
    private final ChunkStore store;
    private final IngestStats stats;
    private final Path positionFile;
    private volatile boolean stopping;
    private volatile long position;
    /** The journal index of the last record applied and published (not necessarily forced yet), or -1. */
    private volatile long published;
    /** When the journal last had nothing that was not in the store. */
    private volatile long drainedNanos = System.nanoTime() - DRAINED_RECENTLY_NANOS;

    private static final long DRAINED_RECENTLY_NANOS = 1_000_000_000L;

    private final RepeatedWarnings warnings = new RepeatedWarnings(LOG);

    /** Free space the store's writes leave, above the journal's own floor, so the journal always has room. */
    public static final long STORE_FLOOR_BYTES = JournalHandler.CHUNK_FLOOR_BYTES + (16L << 20);

    private static final long RETRY_NANOS = 250_000_000L;

    private final DiskGuard guard;
    private volatile boolean waitingForRoom;

    public Materializer(Journal journal, ChunkStore store, IngestStats stats, DiskGuard guard) throws IOException {
        this.journal = journal;
        this.store = store;
        store.replayedUntilFlush(); // what is not committed is applied again from the journal after a crash
        this.stats = stats;
        this.guard = guard;
        this.positionFile = journal.dir().resolve(POSITION_FILE);
        this.position = readPosition(positionFile);
        this.published = position;
        this.replayTo = journal.lastIndex();
    }

    /** The journal's last record when this materializer was made: what it finds there is applied again. */
    private final long replayTo;

    /**
     * True once every record the journal held when this materializer was made is stored (and published): the store
     * then holds every session that journal began.
     */
    public boolean replayed() {
        return Math.max(published, position) >= replayTo;
    }

    /** The journal index of the last record applied and made durable in the store, or -1. */
    public long position() {
        return position;
    }

    /** Runs until {@link #stop} is called and the journal is drained. */
    @Override
    public void run() {
        ExecutorService committer = Executors.newSingleThreadExecutor(Background.threads("wavestash-commit"));
        try (Journal.Reader reader = journal.readerAfter(position)) {
            Journal.Record r = new Journal.Record();
            long applied = position;
            int inBatch = 0; // applied, not yet published
            boolean uncommitted = false; // published, not yet committed
            long nextCommit = 0;
            long nextPublish = 0;
            boolean held = false; // r could not be stored yet and is tried again
            Future<Long> committing = null; // forced on the committer: when the next may begin, or null
            while (true) {
                boolean stopRequested =
                        stopping; // read before trying: a stop ends only a read that found nothing after it
                boolean got = held || reader.next(r);
                if (got) {
                    held = !apply(r);
                    waitingForRoom = held;
                    if (held) {
                        // the store's disk is full: keep what was stored, leave the rest in the journal
                        uncommitted |= committing != null && outcome(committing) == null;
                        committing = null;
                        if ((inBatch > 0 || uncommitted) && commit(applied)) {
                            inBatch = 0;
                            uncommitted = false;
                        }
                        if (stopRequested) {
                            return;
                        }
                        LockSupport.parkNanos(RETRY_NANOS);
                        continue;
                    }
                    applied = r.index;
                    inBatch++;
                }
                if (committing != null && committing.isDone()) {
                    Long next = outcome(committing);
                    committing = null;
                    uncommitted |= next == null;
                    nextCommit = next == null ? System.nanoTime() + RETRY_NANOS : next;
                }
                if (inBatch > 0 && ((stopRequested && !got) || System.nanoTime() >= nextPublish)) {
                    if (publish(applied)) {
                        nextPublish = System.nanoTime() + PUBLISH_MILLIS * 1_000_000;
                        inBatch = 0;
                        uncommitted = true;
                    }
                }
                boolean last = stopRequested && !got;
                if (uncommitted && inBatch == 0 && committing == null && (last || System.nanoTime() >= nextCommit)) {
                    long began = System.nanoTime();
                    Runnable force = beginCommit(applied);
                    if (force == null) {
                        if (!stopRequested) {
                            LockSupport.parkNanos(RETRY_NANOS);
                        }
                    } else {
                        uncommitted = false;
                        long upTo = applied;
                        Supplier<Long> rest = () -> endCommit(force, upTo) ? nextCommitAfter(began) : null;
                        if (last) {
                            uncommitted = rest.get() == null;
                        } else {
                            committing = committer.submit(rest::get);
                        }
                    }
                }
                if (!got && inBatch == 0) {
                    drainedNanos = System.nanoTime();
                }
                if (!got) {
                    if (stopRequested) {
                        if (committing != null) {
                            // wait for it, then commit what was stored meanwhile
                            uncommitted |= outcome(committing) == null;
                            committing = null;
                            continue;
                        }
                        return;
                    }
                    LockSupport.parkNanos(200_000);
                }
            }
        } finally {
            committer.shutdown();
        }
    }

    /**
     * When the commit after one that began at {@code began} and ends now may begin: a second after this one began,
     * and never sooner after it ended than it took, for many files to force leave the device busy.
     */
    private static long nextCommitAfter(long began) {
        long now = System.nanoTime();
        return Math.max(began + COMMIT_MILLIS * 1_000_000, now + (now - began));
    }

    /** What a commit on the committer came to: when the next may begin, or null when it failed (logged). */
    private Long outcome(Future<Long> commit) {
        try {
            return commit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            warnings.warn("cannot make stored chunks durable, will try again: " + e.getCause());
            return null;
        }
    }

    /**
     * True when the store keeps up with the journal: every record it holds is in the store, where readers see it
     * (though perhaps not yet forced to the device; the journal keeps it until it is), or was within the last
     * second. Chunks of a session that has ended are then all stored.
     */
    public boolean storedAll() {
        return Math.max(published, position) >= journal.lastIndex()
                || System.nanoTime() - drainedNanos < DRAINED_RECENTLY_NANOS;
    }

    /** True when every record the journal holds has been applied and made durable in the store. */
    public boolean caughtUp() {
        return position >= journal.lastIndex();
    }

    /** Records in the journal not yet applied and made durable in the store. */
    public long lag() {
        return journal.recordsAfter(position);
    }

    /** Asks {@link #run} to return once everything journaled so far is stored. */
    public void stop() {
        stopping = true;
    }

    /** True while a record waits for room on the store's disk. */
    public boolean waitingForRoom() {
        return waitingForRoom;
    }

    /**
     * Stores one record; false when it must be tried again later (no room on the store's disk, or a write
     * failed for want of it). A record the store rejects outright is counted and skipped.
     */
    private boolean apply(Journal.Record r) {
        Known known = known(r.sensor);
        SensorId sensor = known.id;
        if (!guard.take((r.placed ? 0 : r.length) + 4096L, STORE_FLOOR_BYTES)) {
            warnings.warn("the store's disk is full (" + guard.usableBytes() + " bytes free under " + guard.dir()
                    + "); chunks wait in the journal until there is room");
            return false;
        }
        try {
            switch (r.kind) {
                case SESSION -> {
                    SessionMeta meta =
                            SessionMetaJson.read(Arrays.copyOf(r.data, r.length), "journal record " + r.index);
                    SessionEntry existing = store.sessions(sensor).get(meta.startEpochMicros());
                    if (existing == null) {
                        store.createSession(meta);
                    }
                }
                case CHUNK -> {
                    long began = System.nanoTime();
                    ChunkLevel level = Float.isNaN(r.levelDbfs) ? null : new ChunkLevel(r.levelDbfs, r.silent);
                    if (r.placed) {
                        store.writePlaced(sensor, r.session, r.block, r.length, level);
                    } else {
                        store.write(sensor, r.session, r.block, ByteBuffer.wrap(r.data, 0, r.length), level);
                    }
                    stats.storeWrite.record(System.nanoTime() - began, java.util.concurrent.TimeUnit.NANOSECONDS);
                    known.stats.stored(r.length);
                }
                case DROPOUT -> store.recordDropout(sensor, r.session, r.block, r.blockEnd);
                case ANCHOR -> store.recordAnchor(sensor, r.session, r.block, r.blockEnd);
            }
        } catch (StoreException e) {
            if (e.getCause() instanceof IOException) {
                warnings.warn("cannot store journal record " + r.index + " (" + r.kind + " of sensor " + r.sensor + "),"
                        + " will try again: " + e.getMessage());
                return false;
            }
            skip(r, e);
        } catch (IllegalArgumentException e) {
            skip(r, e);
        } catch (UncheckedIOException e) {
            warnings.warn("cannot store journal record " + r.index + ", will try again: " + e.getMessage());
            return false;
        }
        return true;
    }

    /** A sensor the journal names: its id, checked once, and its counters. */
    private record Known(SensorId id, IngestStats.Sensor stats) {}

    /** Sensors by the name their records carry, so that each record does not check and look up its sensor anew. */
    private final java.util.Map<String, Known> known = new java.util.HashMap<>();

    private static final int KNOWN_LIMIT = 1 << 16;

    /** The sensor {@code name} (thrown out, as {@link SensorId#of} does, if it is not a valid id). */
    private Known known(String name) {
        Known k = known.get(name);
        if (k == null) {
            if (known.size() >= KNOWN_LIMIT) {
                known.clear();
            }
            k = new Known(SensorId.of(name), stats.sensor(name));
            known.put(name, k);
        }
        return k;
    }

    private void skip(Journal.Record r, RuntimeException e) {
        stats.writeFailures.increment();
        warnings.warn("cannot store journal record " + r.index + " (" + r.kind + " of sensor " + r.sensor + "): "
                + e.getMessage());
    }

    /** Shows readers what was applied; false (logged) when the store could not write its index. */
    private boolean publish(long applied) {
        try {
            store.publish();
            published = applied;
            return true;
        } catch (StoreException | UncheckedIOException e) {
            warnings.warn("cannot publish stored chunks, will try again: " + e.getMessage());
            return false;
        }
    }

    /** Makes what was applied durable and records how far that is; false (logged) when the disk refused. */
    private boolean commit(long applied) {
        Runnable force = beginCommit(applied);
        return force != null && endCommit(force, applied);
    }

    /**
     * Publishes what was applied and returns the forcing of it, which may run while more is stored; null (logged)
     * when the store could not write its index.
     */
    private Runnable beginCommit(long applied) {
        try {
            Runnable force = store.beginFlush();
            published = applied;
            return force;
        } catch (StoreException | UncheckedIOException e) {
            warnings.warn("cannot make stored chunks durable, will try again: " + e.getMessage());
            return null;
        }
    }

    /** Forces what {@link #beginCommit} took and records how far that is; false (logged) when the disk refused. */
    private boolean endCommit(Runnable force, long applied) {
        try {
            force.run();
            writePosition(applied);
        } catch (StoreException | UncheckedIOException e) {
            warnings.warn("cannot make stored chunks durable, will try again: " + e.getMessage());
            return false;
        }
        position = applied;
        try {
            journal.deleteCyclesBefore(applied);
        } catch (IOException e) {
            warnings.warn("cannot delete materialized journal cycles: " + e.getMessage());
        }
        return true;
    }

    private void writePosition(long index) {
        Path temp = positionFile.resolveSibling(POSITION_FILE + ".tmp");
        try {
            Files.write(temp, Long.toString(index).getBytes(StandardCharsets.US_ASCII));
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the materialized position in " + positionFile, e);
        }
    }

    private static long readPosition(Path file) throws IOException {
        try {
            return Long.parseLong(
                    Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            return -1;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a journal position", e);
        }
    }
}
