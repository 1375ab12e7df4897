package io.wavestash.storage;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.index.AvailabilityIndex;
import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.layout.ChunkLayout;
import io.wavestash.storage.persist.Persister;
import io.wavestash.storage.persist.RandomAccessPersister;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** The composition of persister, layout (template and codec inside) and availability index. */
final class TemplatedStore implements ChunkStore {
    private final StoreConfig config;
    private final RandomAccessPersister persister;
    private final ChunkLayout layout;
    private final AvailabilityIndex index;
    private final boolean writable;
    private final Runnable onClose;
    private final BooleanSupplier logsCurrent;
    /** Whether this store takes chunks written ahead: writable, and its layout writes in place. */
    private final boolean placing;
    /**
     * Sessions whose dropouts changed since the last flush, and those whose timing anchors did: each one's file
     * is rewritten once, at the flush, instead of once per record. Readers follow the index's logs, which hold
     * every record; the files serve a rebuild of the index, which also waits for a flush.
     */
    private final Set<Session> dropoutsChanged = new LinkedHashSet<>();

    private final Set<Session> anchorsChanged = new LinkedHashSet<>();
    private boolean closed;

    TemplatedStore(
            StoreConfig config,
            RandomAccessPersister persister,
            ChunkLayout layout,
            AvailabilityIndex index,
            boolean writable,
            Runnable onClose,
            BooleanSupplier logsCurrent) {
        this.config = config;
        this.persister = persister;
        this.layout = layout;
        this.index = index;
        this.writable = writable;
        this.onClose = onClose;
        this.logsCurrent = logsCurrent;
        this.placing = writable && layout.placer() != null;
    }

    @Override
    public StoreConfig config() {
        return config;
    }

    @Override
    public synchronized void createSession(SessionMeta meta) {
        requireWritable();
        if (meta.sensor().isQualified()) {
            throw new StoreException("sensor '" + meta.sensor() + "': a store is written by its own device, under plain"
                    + " sensor names (DEVICE/SENSOR names are for reading a store that devices share)");
        }
        if (index.session(meta.sensor(), meta.startEpochMicros()) != null) {
            throw new StoreException("sensor " + meta.sensor() + " already has a session starting at "
                    + Times.ofEpochMicros(meta.startEpochMicros()));
        }
        io(
                () -> layout.writeMeta(meta),
                "write metadata of session " + Times.ofEpochMicros(meta.startEpochMicros()) + " of sensor "
                        + meta.sensor());
        index.addSession(meta);
    }

    @Override
    public synchronized void write(SensorId sensor, long session, long block, ByteBuffer pcm, ChunkLevel level) {
        SessionEntry entry = toStore(sensor, session, block, pcm.remaining());
        if (entry != null) {
            try { // not through io(): its message would be built for every chunk
                layout.writeChunk(entry.meta(), block, pcm);
            } catch (IOException e) {
                throw failed("write chunk at byte " + block + " of sensor " + sensor, e);
            }
            stored(sensor, session, block, pcm.remaining(), level);
        }
    }

    /** Writable stores whose layout writes in place hand out a placer of the layout's, a new one each call. */
    @Override
    public ChunkPlacer placer() {
        return placing ? layout.placer() : null;
    }

    @Override
    public synchronized void writePlaced(SensorId sensor, long session, long block, int length, ChunkLevel level) {
        if (!placing) {
            ChunkStore.super.writePlaced(sensor, session, block, length, level); // refuses
        }
        SessionEntry entry = toStore(sensor, session, block, length);
        if (entry != null) {
            try {
                layout.recordChunk(entry.meta(), block, length);
            } catch (IOException e) {
                throw failed("record chunk at byte " + block + " of sensor " + sensor, e);
            }
            stored(sensor, session, block, length, level);
        }
    }

    /**
     * The session a chunk is stored in, or null when the same chunk is stored already; refuses a chunk that is not
     * whole frames or overlaps another.
     */
    private SessionEntry toStore(SensorId sensor, long session, long block, int length) {
        requireWritable();
        SessionEntry entry = requireSession(sensor, session);
        int frame = entry.meta().format().frameBytes();
        if (block % frame != 0 || length == 0 || length % frame != 0) {
            throw new StoreException("chunk at byte " + block + " of " + length + " bytes is not whole " + frame
                    + "-byte frames (sensor " + sensor + ", session " + Times.ofEpochMicros(session) + ")");
        }
        ChunkRuns.Chunk present = entry.runs().chunkAt(block);
        if (present != null && present.block() == block && present.length() == length) {
            return null;
        }
        long[] stored = entry.runs().firstPresent(block, block + length);
        if (stored != null) {
            throw new StoreException("sensor " + sensor + ", session " + Times.ofEpochMicros(session)
                    + ": chunk at byte " + block + " (" + length + " bytes) overlaps stored bytes " + stored[0] + ".."
                    + stored[1]);
        }
        return entry;
    }

    private void stored(SensorId sensor, long session, long block, int length, ChunkLevel level) {
        index.addChunk(sensor, session, block, length, level);
    }

    @Override
    public synchronized void recordAnchor(SensorId sensor, long session, long frame, long offsetNanos) {
        requireWritable();
        requireSession(sensor, session);
        if (frame <= 0) {
            throw new StoreException("timing anchor at frame " + frame + " of sensor " + sensor
                    + ": anchors are at positive frames (frame 0 is the session start)");
        }
        if (index.addAnchor(sensor, session, frame, offsetNanos)) {
            anchorsChanged.add(new Session(sensor, session));
        }
    }

    @Override
    public void forEachLevel(
            SensorId sensor, long session, java.util.function.Consumer<AvailabilityIndex.LevelRecord> sink) {
        io(() -> index.forEachLevel(sensor, session, sink), "read the chunk levels of sensor " + sensor);
    }

    @Override
    public synchronized void recordDropout(SensorId sensor, long session, long fromBlock, long toBlock) {
        requireWritable();
        SessionEntry entry = requireSession(sensor, session);
        int frame = entry.meta().format().frameBytes();
        if (fromBlock < 0 || fromBlock >= toBlock || fromBlock % frame != 0 || toBlock % frame != 0) {
            throw new StoreException("dropout " + fromBlock + ".." + toBlock + " of sensor " + sensor
                    + " is not a range of whole frames");
        }
        if (index.addDropout(sensor, session, fromBlock, toBlock)) {
            dropoutsChanged.add(new Session(sensor, session));
        }
    }

    @Override
    public synchronized void flush() {
        requireWritable();
        io(
                () -> {
                    writeHeldBack();
                    persister.sync();
                    index.flush();
                    persister.sync();
                },
                "flush");
    }

    /**
     * Writes the dropouts and anchors files of the sessions whose records changed (a deleted session's are gone
     * with it), then what the layout held back. A file that fails stays to be written at the next flush.
     */
    private void writeHeldBack() throws IOException {
        writeEach(
                dropoutsChanged,
                entry -> layout.writeDropouts(entry.meta(), entry.dropouts().all()));
        writeEach(
                anchorsChanged,
                entry -> layout.writeAnchors(entry.meta(), entry.anchors().all()));
        layout.writePending();
    }

    /** Writes each session in {@code changed} that is still in the index, and takes it out once written. */
    private void writeEach(Set<Session> changed, SessionWrite write) throws IOException {
        for (var it = changed.iterator(); it.hasNext(); ) {
            Session s = it.next();
            SessionEntry entry = index.session(s.sensor, s.start);
            if (entry != null) {
                write.to(entry);
            }
            it.remove();
        }
    }

    /** A file of a session written from its index entry. */
    private interface SessionWrite {
        void to(SessionEntry entry) throws IOException;
    }

    /** A session of a sensor, by its start. */
    private record Session(SensorId sensor, long start) {}

    @Override
    public synchronized void replayedUntilFlush() {
        layout.replayedUntilFlush();
    }

    /**
     * Publishes, and takes what the persister has to force: forcing it does not hold this store's lock, so
     * chunks are stored meanwhile. The index records are forced with the chunks they describe, not after them:
     * a reader may see them as soon as they are published anyway, and a writer that crashed rebuilds its index
     * from the layout.
     */
    @Override
    public synchronized Runnable beginFlush() {
        requireWritable();
        Persister.Forcing[] forcing = new Persister.Forcing[1];
        io(
                () -> {
                    writeHeldBack();
                    index.flush();
                    forcing[0] = persister.startSync();
                },
                "flush");
        return () -> io(forcing[0]::force, "flush");
    }

    /**
     * Appends the index records written since the last publish to the logs readers follow, without forcing
     * anything: the chunks are queryable at once, and the next {@link #flush} forces chunks and logs alike.
     */
    @Override
    public synchronized void publish() {
        requireWritable();
        io(index::flush, "publish");
    }

    @Override
    public synchronized void deleteSession(SensorId sensor, long session) {
        requireWritable();
        SessionEntry entry = index.session(sensor, session);
        if (entry == null) {
            return;
        }
        io(
                () -> {
                    index.removeSession(sensor, session);
                    index.flush();
                    layout.deleteSession(entry);
                    persister.sync();
                },
                "delete session " + Times.ofEpochMicros(session) + " of sensor " + sensor);
    }

    @Override
    public void refresh() {
        if (writable) {
            return;
        }
        if (index.isDetached() && logsCurrent.getAsBoolean()) {
            index.attach(); // a writer has taken the store over again: its logs are the truth
        }
        io(index::refresh, "read the availability index");
    }

    @Override
    public Set<SensorId> sensors() {
        return index.sensors();
    }

    @Override
    public NavigableMap<Long, SessionEntry> sessions(SensorId sensor) {
        return index.sessions(sensor);
    }

    @Override
    public void read(SensorId sensor, long session, long byteFrom, ByteBuffer dst) {
        SessionEntry entry = present(sensor, session, byteFrom, byteFrom + dst.remaining());
        io(
                () -> layout.read(entry, byteFrom, dst),
                "read sensor " + sensor + " session " + Times.ofEpochMicros(session));
    }

    @Override
    public void transferTo(SensorId sensor, long session, long byteFrom, long count, WritableByteChannel target) {
        SessionEntry entry = present(sensor, session, byteFrom, byteFrom + count);
        io(
                () -> layout.transferTo(entry, byteFrom, count, target),
                "copy sensor " + sensor + " session " + Times.ofEpochMicros(session) + " to the output");
    }

    /** The session, once the index shows every byte of {@code [byteFrom, byteTo)} stored. */
    private SessionEntry present(SensorId sensor, long session, long byteFrom, long byteTo) {
        SessionEntry entry = requireSession(sensor, session);
        List<long[]> present = entry.runs().presentRanges(byteFrom, byteTo);
        if (present.size() != 1 || present.get(0)[0] != byteFrom || present.get(0)[1] != byteTo) {
            throw new StoreException("bytes " + byteFrom + ".." + byteTo + " of session " + Times.ofEpochMicros(session)
                    + " of sensor " + sensor + " are not all stored");
        }
        return entry;
    }

    @Override
    public synchronized List<String> reindex() {
        List<String> warnings = new ArrayList<>();
        io(
                () -> {
                    List<SessionEntry> found = layout.scan(warnings::add, writable);
                    if (writable) {
                        index.replaceAll(found);
                        persister.sync();
                    } else {
                        index.replaceInMemory(found);
                    }
                },
                "rebuild the availability index");
        return warnings;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (writable) {
                flush();
            }
        } finally {
            closed = true;
            try {
                persister.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                onClose.run();
            }
        }
    }

    private SessionEntry requireSession(SensorId sensor, long session) {
        SessionEntry entry = index.session(sensor, session);
        if (entry == null) {
            throw new StoreException(
                    "sensor " + sensor + " has no session starting at " + Times.ofEpochMicros(session));
        }
        return entry;
    }

    private void requireWritable() {
        if (!writable) {
            throw new StoreException("store at " + config.where() + " was opened read-only");
        }
        if (closed) {
            throw new StoreException("store at " + config.where() + " is closed");
        }
    }

    interface IoAction {
        void run() throws IOException;
    }

    private static void io(IoAction action, String what) {
        try {
            action.run();
        } catch (IOException e) {
            throw failed(what, e);
        }
    }

    private static StoreException failed(String what, IOException e) {
        return new StoreException("cannot " + what + ": " + describe(e), e);
    }

    static String describe(IOException e) {
        String name = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? name : name.equals("IO") ? e.getMessage() : name + " " + e.getMessage();
    }
}
