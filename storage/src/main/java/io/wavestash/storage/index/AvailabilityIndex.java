package io.wavestash.storage.index;

import io.wavestash.storage.ChunkLevel;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import io.wavestash.storage.StoreException;
import io.wavestash.storage.persist.RandomAccessPersister;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Per sensor: its sessions, the chunks present in each, and so the gaps. Kept in memory and persisted as
 * one append-only log per sensor ({@code @wavestash/index/SENSOR.log}, or under
 * {@code @wavestash/devices/DEVICE/index/} when devices share the storage) of checksummed records, which a
 * reader in another process tails. A torn last record (a crash mid-append) is ignored; a rebuild from
 * storage writes a fresh log with a new generation number, which tells readers to start over.
 */
public final class AvailabilityIndex {
    public static final String DIR = "@wavestash/index/";
    private static final byte[] MAGIC = "WSIX".getBytes(StandardCharsets.US_ASCII);
    /** Version 2 added the records a compacted log holds (runs, level summaries and batches). */
    private static final short VERSION = 2;

    private static final int HEADER_BYTES = 16;
    private static final byte SESSION = 1;
    private static final byte CHUNK = 2;
    private static final byte DELETE_SESSION = 3;
    private static final byte DROPOUT = 4;
    private static final byte ANCHOR = 5;
    private static final byte LEVEL = 6;
    private static final byte RUN = 7;
    private static final byte LEVEL_SUMMARY = 8;
    private static final byte LEVELS = 9;
    private static final int READ_BLOCK = 1 << 20;
    private static final int PENDING_LIMIT = 64 << 10;
    /** A log is compacted once this much, and more than its compacted size, was appended since. */
    private static final long COMPACT_AFTER_BYTES = 1 << 20;

    private static final int LEVELS_PER_RECORD = 1 << 16;

    private final RandomAccessPersister persister;
    private final String dir;
    /** By sensor; unordered, for a lookup per record: listings sort. */
    private final Map<SensorId, SensorLog> logs = new HashMap<>();
    /** Set when the in-memory index was rebuilt without persisting: the logs on disk are stale. */
    private boolean detached;

    public AvailabilityIndex(RandomAccessPersister persister) {
        this(persister, DIR);
    }

    /** An index whose logs are under {@code dir} (which ends in {@code /}). */
    public AvailabilityIndex(RandomAccessPersister persister, String dir) {
        this.persister = persister;
        this.dir = dir;
    }

    /** Where the index of a device's data is kept (its own, so that devices can share one bucket). */
    public static String dirOf(String device) {
        return device == null ? DIR : DEVICES + device + "/index/";
    }

    /** Under this prefix each device that shares the storage has its own directory. */
    public static final String DEVICES = "@wavestash/devices/";

    private static final class SensorLog {
        final NavigableMap<Long, SessionEntry> sessions = new TreeMap<>();
        long generation;
        long readOffset;
        /** The log's size when it was last written whole (0: never by this process). */
        long compactedBytes;
        /** The log's key, once flushed: a flush appends to every sensor's log each time. */
        String key;
        /** Which version of the log a reader read its header from (as its persister lists it), or null. */
        Object version;

        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    }

    // ---- queries -------------------------------------------------------------------------------

    public synchronized Set<SensorId> sensors() {
        Set<SensorId> out = new TreeSet<>();
        logs.forEach((sensor, log) -> {
            if (!log.sessions.isEmpty()) {
                out.add(sensor);
            }
        });
        return out;
    }

    /** A snapshot of the sensor's sessions by start (epoch µs); empty for an unknown sensor. */
    public synchronized NavigableMap<Long, SessionEntry> sessions(SensorId sensor) {
        SensorLog log = logs.get(sensor);
        return log == null ? new TreeMap<>() : new TreeMap<>(log.sessions);
    }

    public synchronized SessionEntry session(SensorId sensor, long startEpochMicros) {
        SensorLog log = logs.get(sensor);
        return log == null ? null : log.sessions.get(startEpochMicros);
    }

    // ---- writing -------------------------------------------------------------------------------

    public synchronized void addSession(SessionMeta meta) {
        SensorLog log = logs.computeIfAbsent(meta.sensor(), s -> new SensorLog());
        log.sessions.put(meta.startEpochMicros(), new SessionEntry(meta, new ChunkRuns()));
        byte[] json = SessionMetaJson.write(meta);
        record(log, SESSION, ByteBuffer.allocate(json.length).put(json));
    }

    /** Records a chunk; returns whether it was new. The session must have been added. */
    public synchronized ChunkRuns.Added addChunk(SensorId sensor, long session, long block, int length) {
        return addChunk(sensor, session, block, length, null);
    }

    /**
     * Records a chunk and, if it was new and {@code level} is not null, its level; returns
     * whether it was new. The session must have been added. The sensor and session are looked up once: this runs
     * for every chunk stored.
     */
    public synchronized ChunkRuns.Added addChunk(
            SensorId sensor, long session, long block, int length, ChunkLevel level) {
        SensorLog log = logs.get(sensor);
        SessionEntry entry = log == null ? null : log.sessions.get(session);
        if (entry == null) {
            throw noSession(sensor, session);
        }
        ChunkRuns.Added added = entry.runs().add(block, length);
        if (added == ChunkRuns.Added.NEW) {
            record(log, CHUNK, chunkPayload(scratchPayload(), session, block, length));
            if (level != null) {
                entry.levels().add(level.dbfs(), level.silent());
                record(log, LEVEL, levelPayload(scratchPayload(), session, block, level));
            }
        }
        return added;
    }

    private SessionEntry requireSession(SensorId sensor, long session) {
        SessionEntry entry = session(sensor, session);
        if (entry == null) {
            throw noSession(sensor, session);
        }
        return entry;
    }

    private static StoreException noSession(SensorId sensor, long session) {
        return new StoreException("sensor " + sensor + " has no session " + session);
    }

    /** Records that bytes {@code [from, to)} of a session were lost at capture. */
    public synchronized boolean addDropout(SensorId sensor, long session, long from, long to) {
        SessionEntry entry = requireSession(sensor, session);
        if (!entry.dropouts().add(from, to)) {
            return false;
        }
        record(logs.get(sensor), DROPOUT, longs(session, from, to));
        return true;
    }

    /** Records a timing anchor of a session; returns whether it was new (after the session's last anchor). */
    public synchronized boolean addAnchor(SensorId sensor, long session, long frame, long offsetNanos) {
        SessionEntry entry = requireSession(sensor, session);
        if (!entry.anchors().add(frame, offsetNanos)) {
            return false;
        }
        record(logs.get(sensor), ANCHOR, longs(session, frame, offsetNanos));
        return true;
    }

    private static ByteBuffer levelPayload(ByteBuffer into, long session, long block, ChunkLevel level) {
        return into.putLong(session).putLong(block).putFloat(level.dbfs()).put((byte) (level.silent() ? 1 : 0));
    }

    private static ByteBuffer longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b;
    }

    /** One chunk's level as the log holds it. */
    public record LevelRecord(long session, long block, ChunkLevel level) {}

    /**
     * Hands the chunk levels of a sensor's session, in the order they were recorded, to {@code sink}; reads
     * the log itself (levels are summed up in memory, not kept one by one).
     */
    public void forEachLevel(SensorId sensor, long session, java.util.function.Consumer<LevelRecord> sink)
            throws IOException {
        readLevels(key(sensor), r -> {
            if (r.session() == session) {
                sink.accept(r);
            }
        });
    }

    private void readLevels(String key, java.util.function.Consumer<LevelRecord> sink) throws IOException {
        long size = persister.size(key);
        long offset = HEADER_BYTES;
        if (offset >= size) {
            return;
        }
        ByteBuffer block =
                ByteBuffer.allocate((int) Math.min(READ_BLOCK, size - offset)).order(ByteOrder.LITTLE_ENDIAN);
        while (offset < size) {
            block.clear();
            int n = persister.read(key, offset, block);
            block.flip();
            int consumed = scanRecords(block, (type, payload) -> {
                if (type == LEVEL) {
                    sink.accept(new LevelRecord(
                            payload.getLong(0),
                            payload.getLong(8),
                            new ChunkLevel(payload.getFloat(16), payload.get(20) != 0)));
                } else if (type == LEVELS) {
                    long session = payload.getLong(0);
                    long first = payload.getLong(8);
                    long stride = payload.getLong(16);
                    int count = payload.getInt(24);
                    for (int k = 0; k < count; k++) {
                        int at = 28 + 5 * k;
                        sink.accept(new LevelRecord(
                                session,
                                first + k * stride,
                                new ChunkLevel(payload.getFloat(at), payload.get(at + 4) != 0)));
                    }
                }
            });
            if (consumed == 0 || n <= 0) {
                break;
            }
            offset += consumed;
        }
    }

    private static ByteBuffer chunkPayload(ByteBuffer into, long session, long block, int length) {
        return into.putLong(session).putLong(block).putInt(length);
    }

    public synchronized void removeSession(SensorId sensor, long session) {
        SensorLog log = logs.get(sensor);
        if (log != null && log.sessions.remove(session) != null) {
            record(
                    log,
                    DELETE_SESSION,
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(session));
        }
    }

    /** Appends what was recorded since the last flush to the logs. */
    public synchronized void flush() throws IOException {
        for (Map.Entry<SensorId, SensorLog> e : logs.entrySet()) {
            SensorLog log = e.getValue();
            if (log.pending.size() == 0) {
                continue;
            }
            String key = log.key != null ? log.key : (log.key = key(e.getKey()));
            ByteBuffer records = ByteBuffer.wrap(log.pending.toByteArray());
            if (log.generation == 0) {
                // a new log (or one torn short of its header by a crash): its header and first records in one
                // write where it is created, as a session starts; a reader skips a log shorter than its header
                log.generation = newGeneration();
                ByteBuffer first = ByteBuffer.allocate(HEADER_BYTES + records.remaining());
                first.put(header(log.generation)).put(records).flip();
                persister.writeAt(key, 0, first);
                log.readOffset = first.limit();
            } else {
                log.readOffset = persister.append(key, records) + log.pending.size();
            }
            log.pending.reset();
            if (log.readOffset - log.compactedBytes > Math.max(COMPACT_AFTER_BYTES, log.compactedBytes)) {
                compact(e.getKey(), log);
            }
        }
    }

    /**
     * Rewrites a sensor's log as what it now holds: a record per run of chunks instead of one per chunk, a
     * summary of each session's levels with the chunk levels packed in batches beside it, and nothing of
     * deleted sessions. A log written by a recorder grows by two records per chunk; compacted, what a reader
     * reads at start grows with the sessions and gaps instead. Readers see the new generation and start over.
     */
    private void compact(SensorId sensor, SensorLog log) throws IOException {
        String key = key(sensor);
        Map<Long, List<LevelRecord>> levels = new HashMap<>();
        readLevels(key, r -> {
            if (log.sessions.containsKey(r.session())) {
                levels.computeIfAbsent(r.session(), s -> new ArrayList<>()).add(r);
            }
        });
        writeWhole(sensor, log, levels);
    }

    /**
     * Writes a sensor's log whole, under a new generation, from what {@code log} holds: per session its
     * metadata, dropouts, anchors, a record per run of chunks, its level summary and {@code levels} packed.
     */
    private void writeWhole(SensorId sensor, SensorLog log, Map<Long, List<LevelRecord>> levels) throws IOException {
        long generation = newGeneration();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(toArray(header(generation)));
        for (SessionEntry entry : log.sessions.values()) {
            long session = entry.meta().startEpochMicros();
            byte[] json = SessionMetaJson.write(entry.meta());
            all.writeBytes(recordBytes(SESSION, ByteBuffer.allocate(json.length).put(json)));
            for (long[] d : entry.dropouts().all()) {
                all.writeBytes(recordBytes(DROPOUT, longs(session, d[0], d[1])));
            }
            for (long[] a : entry.anchors().all()) {
                all.writeBytes(recordBytes(ANCHOR, longs(session, a[0], a[1])));
            }
            for (ChunkRuns.Run run : entry.runs().runs()) {
                all.writeBytes(recordBytes(
                        RUN,
                        ByteBuffer.allocate(28)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .putLong(session)
                                .putLong(run.block())
                                .putInt(run.length())
                                .putLong(run.count())));
            }
            if (entry.levels().chunks() > 0) {
                ByteBuffer summary =
                        ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN).putLong(session);
                entry.levels().write(summary);
                all.writeBytes(recordBytes(LEVEL_SUMMARY, summary));
            }
            writeLevelBatches(all, session, levels.getOrDefault(session, List.of()));
        }
        persister.write(key(sensor), ByteBuffer.wrap(all.toByteArray()));
        log.generation = generation;
        log.readOffset = all.size();
        log.compactedBytes = all.size();
    }

    /**
     * Packs chunk levels as batches of evenly spaced blocks: session, first block, spacing, count, then a level
     * (float dBFS, silent byte) per chunk.
     */
    private static void writeLevelBatches(ByteArrayOutputStream out, long session, List<LevelRecord> levels) {
        int i = 0;
        while (i < levels.size()) {
            long first = levels.get(i).block();
            long stride = i + 1 < levels.size() ? levels.get(i + 1).block() - first : 1;
            if (stride <= 0) {
                stride = 1; // out of order: the next level starts a batch of its own
            }
            int n = 1;
            while (i + n < levels.size()
                    && n < LEVELS_PER_RECORD
                    && levels.get(i + n).block() == first + n * stride) {
                n++;
            }
            ByteBuffer batch = ByteBuffer.allocate(28 + 5 * n)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(session)
                    .putLong(first)
                    .putLong(stride)
                    .putInt(n);
            for (int k = 0; k < n; k++) {
                ChunkLevel level = levels.get(i + k).level();
                batch.putFloat(level.dbfs()).put((byte) (level.silent() ? 1 : 0));
            }
            out.writeBytes(recordBytes(LEVELS, batch));
            i += n;
        }
    }

    /** Replaces the whole index with what a scan of storage found, persisting fresh logs. */
    public synchronized void replaceAll(Collection<SessionEntry> found) throws IOException {
        Map<SensorId, List<SessionEntry>> bySensor = new TreeMap<>();
        for (SessionEntry entry : found) {
            bySensor.computeIfAbsent(entry.meta().sensor(), s -> new ArrayList<>())
                    .add(entry);
        }
        for (SensorId stale : List.copyOf(logs.keySet())) {
            if (!bySensor.containsKey(stale)) {
                persister.delete(key(stale));
            }
        }
        List<String> orphans = new ArrayList<>();
        persister.list(dir, o -> orphans.add(o.key()));
        logs.clear();
        rewrite(bySensor, orphans);
        for (String orphan : orphans) {
            persister.delete(orphan);
        }
    }

    private void rewrite(Map<SensorId, List<SessionEntry>> bySensor, List<String> orphans) throws IOException {
        for (Map.Entry<SensorId, List<SessionEntry>> e : bySensor.entrySet()) {
            List<LevelRecord> salvaged = salvageLevels(key(e.getKey()));
            SensorLog log = new SensorLog();
            logs.put(e.getKey(), log);
            for (SessionEntry entry : e.getValue()) {
                copyInto(log, entry);
            }
            Map<Long, List<LevelRecord>> levels = new HashMap<>();
            for (LevelRecord r : salvaged) {
                SessionEntry entry = log.sessions.get(r.session());
                ChunkRuns.Chunk chunk = entry == null ? null : entry.runs().chunkAt(r.block());
                if (chunk != null && chunk.block() == r.block()) {
                    entry.levels().add(r.level().dbfs(), r.level().silent());
                    levels.computeIfAbsent(r.session(), s -> new ArrayList<>()).add(r);
                }
            }
            writeWhole(e.getKey(), log, levels);
            orphans.remove(key(e.getKey()));
        }
    }

    /**
     * The chunk levels an old log holds (they are not kept beside the data, so a rebuild carries them over);
     * what a damaged log no longer holds is lost, and only the levels.
     */
    private List<LevelRecord> salvageLevels(String key) {
        List<LevelRecord> out = new ArrayList<>();
        try {
            readLevels(key, out::add);
        } catch (IOException | RuntimeException e) {
            // a damaged log: keep what was read
        }
        return out;
    }

    /** Puts a copy of {@code entry}'s session, chunks, dropouts and anchors in {@code log}, recording nothing. */
    private static void copyInto(SensorLog log, SessionEntry entry) {
        SessionEntry copy = new SessionEntry(entry.meta(), new ChunkRuns());
        for (long[] d : entry.dropouts().all()) {
            copy.dropouts().add(d[0], d[1]);
        }
        for (long[] a : entry.anchors().all()) {
            copy.anchors().add(a[0], a[1]);
        }
        for (ChunkRuns.Run run : entry.runs().runs()) {
            copy.runs().addRun(run.block(), run.length(), run.count());
        }
        log.sessions.put(entry.meta().startEpochMicros(), copy);
    }

    // ---- reading -------------------------------------------------------------------------------

    /** Replaces the index in memory only (a reader that found the persisted index stale). */
    public synchronized void replaceInMemory(Collection<SessionEntry> found) {
        logs.clear();
        for (SessionEntry entry : found) {
            copyInto(logs.computeIfAbsent(entry.meta().sensor(), s -> new SensorLog()), entry);
        }
        detached = true;
    }

    public synchronized boolean isDetached() {
        return detached;
    }

    /** Forgets an in-memory rebuild so that the next refresh reads the logs from the start. */
    public synchronized void attach() {
        logs.clear();
        detached = false;
    }

    /** True when no index log exists at all (a new store, or one whose index was lost). */
    public boolean isMissing() throws IOException {
        boolean[] any = {false};
        persister.list(dir, o -> any[0] = true);
        return !any[0];
    }

    /** Catches up with what other processes appended (or rewrote) since the last refresh. */
    public synchronized void refresh() throws IOException {
        if (detached) {
            return;
        }
        List<RandomAccessPersister.StoredObject> listed = new ArrayList<>();
        persister.list(dir, listed::add);
        for (RandomAccessPersister.StoredObject object : listed) {
            String key = object.key();
            String name = key.substring(dir.length());
            if (!name.endsWith(".log")) {
                continue;
            }
            SensorId sensor;
            try {
                sensor = SensorId.of(name.substring(0, name.length() - 4));
            } catch (IllegalArgumentException e) {
                continue;
            }
            tail(sensor, key, object.size(), object.version());
        }
    }

    /**
     * Reads what a sensor's log holds past what was read of it, up to {@code size} bytes (as listed). The header
     * (is it a log, of which generation) is read again only when the log may have been replaced since: when the
     * persister cannot say which version of it was listed, when another file is in its place, or when it is shorter
     * than what was read of it. Following a store of many sensors, most logs then cost no read at all.
     */
    private void tail(SensorId sensor, String key, long size, Object version) throws IOException {
        if (size < HEADER_BYTES) {
            return;
        }
        SensorLog known = logs.get(sensor);
        boolean same = known != null && version != null && version.equals(known.version) && size >= known.readOffset;
        if (same && known.readOffset == size) {
            return;
        }
        SensorLog log = same ? known : readHeader(sensor, key, version);
        if (log.readOffset >= size) {
            return;
        }
        // sized to what is new (a refresh of many logs reads a few records of each), up to the largest record
        ByteBuffer block = ByteBuffer.allocate((int) Math.min(READ_BLOCK, size - log.readOffset))
                .order(ByteOrder.LITTLE_ENDIAN);
        while (log.readOffset < size) {
            block.clear();
            int n = persister.read(key, log.readOffset, block);
            block.flip();
            int consumed = applyRecords(sensor, log, block, key);
            if (consumed == 0) {
                if (n >= READ_BLOCK) {
                    throw new StoreException(
                            key + ": record at byte " + log.readOffset + " is larger than " + READ_BLOCK + " bytes");
                }
                break;
            }
            log.readOffset += consumed;
        }
    }

    /** Reads a log's header; a log of another generation than the one read so far is read from its start. */
    private SensorLog readHeader(SensorId sensor, String key, Object fileVersion) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        persister.read(key, 0, header);
        header.flip();
        byte[] magic = new byte[4];
        header.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new StoreException(key + ": not a wavestash index log (bad magic)");
        }
        short version = header.getShort();
        if (version < 1 || version > VERSION) {
            throw new StoreException(
                    key + ": index log version " + version + " is not supported (this build reads " + VERSION + ")");
        }
        header.getShort();
        long generation = header.getLong();
        SensorLog log = logs.computeIfAbsent(sensor, s -> new SensorLog());
        if (log.generation != generation) {
            log.sessions.clear();
            log.generation = generation;
            log.readOffset = HEADER_BYTES;
        }
        log.version = fileVersion;
        return log;
    }

    /** Applies whole, valid records; returns the bytes consumed. Stops at a torn or corrupt record. */
    private static int applyRecords(SensorId sensor, SensorLog log, ByteBuffer b, String key) {
        return scanRecords(b, (type, payload) -> apply(sensor, log, type, payload, key));
    }

    private interface RecordSink {
        void accept(byte type, ByteBuffer payload);
    }

    /** Hands whole, valid records to {@code sink}; returns the bytes consumed. Stops at a torn or corrupt record. */
    private static int scanRecords(ByteBuffer b, RecordSink sink) {
        int consumed = 0;
        CRC32C crc = new CRC32C();
        while (b.remaining() >= 9) {
            int start = b.position();
            int length = b.getInt(start);
            if (length < 0 || length > READ_BLOCK - 9 || b.remaining() < 9 + length) {
                break;
            }
            byte type = b.get(start + 4);
            crc.reset();
            if (b.hasArray()) {
                crc.update(b.array(), b.arrayOffset() + start + 4, 1 + length);
            } else {
                crc.update(b.slice(start + 4, 1 + length));
            }
            if ((int) crc.getValue() != b.getInt(start + 5 + length)) {
                break;
            }
            sink.accept(type, b.slice(start + 5, length).order(ByteOrder.LITTLE_ENDIAN));
            b.position(start + 9 + length);
            consumed = b.position();
        }
        return consumed;
    }

    private static void apply(SensorId sensor, SensorLog log, byte type, ByteBuffer payload, String key) {
        switch (type) {
            case SESSION -> {
                byte[] json = new byte[payload.remaining()];
                payload.get(json);
                SessionMeta meta = SessionMetaJson.read(json, key);
                log.sessions.putIfAbsent(meta.startEpochMicros(), new SessionEntry(meta, new ChunkRuns()));
            }
            case CHUNK -> {
                SessionEntry entry = log.sessions.get(payload.getLong(0));
                if (entry != null) {
                    entry.runs().add(payload.getLong(8), payload.getInt(16));
                }
            }
            case DELETE_SESSION -> log.sessions.remove(payload.getLong(0));
            case DROPOUT -> {
                SessionEntry entry = log.sessions.get(payload.getLong(0));
                if (entry != null) {
                    entry.dropouts().add(payload.getLong(8), payload.getLong(16));
                }
            }
            case ANCHOR -> {
                SessionEntry entry = log.sessions.get(payload.getLong(0));
                if (entry != null) {
                    entry.anchors().add(payload.getLong(8), payload.getLong(16));
                }
            }
            case LEVEL -> {
                SessionEntry entry = log.sessions.get(payload.getLong(0));
                if (entry != null) {
                    entry.levels().add(payload.getFloat(16), payload.get(20) != 0);
                }
            }
            case RUN -> {
                SessionEntry entry = log.sessions.get(payload.getLong(0));
                if (entry != null) {
                    entry.runs().addRun(payload.getLong(8), payload.getInt(16), payload.getLong(20));
                }
            }
            case LEVEL_SUMMARY -> {
                SessionEntry entry = log.sessions.get(payload.getLong(0));
                if (entry != null) {
                    entry.levels()
                            .merge(
                                    payload.getLong(8),
                                    payload.getLong(16),
                                    payload.getDouble(24),
                                    payload.getDouble(32),
                                    payload.getDouble(40));
                }
            }
            case LEVELS -> {
                // the chunk levels one by one, read only when asked for (the summary holds what a session needs)
            }
            default -> {
                // a record type of a later version: skipped, its checksum was valid
            }
        }
    }

    /**
     * The buffers a chunk's records are put together in (under this index's lock): two a chunk for every sensor
     * would otherwise be garbage, and each collection a pause of the threads that acknowledge chunks.
     */
    private final ByteBuffer payload = ByteBuffer.allocate(SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer recordScratch =
            ByteBuffer.allocate(9 + SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C recordCrc = new CRC32C();
    private static final int SCRATCH_BYTES = 64;

    /** The payload buffer, emptied, for a record of at most {@value #SCRATCH_BYTES} bytes. */
    private ByteBuffer scratchPayload() {
        return payload.clear();
    }

    private void record(SensorLog log, byte type, ByteBuffer payload) {
        if (payload.position() > SCRATCH_BYTES) {
            log.pending.writeBytes(recordBytes(type, payload));
        } else {
            ByteBuffer r = recordScratch.clear();
            putRecord(r, recordCrc, type, payload);
            log.pending.write(r.array(), 0, r.position());
        }
        if (log.pending.size() > PENDING_LIMIT) {
            try {
                flush();
            } catch (IOException e) {
                throw new StoreException("cannot append to the availability index: " + e.getMessage(), e);
            }
        }
    }

    /** A record: payload length, type, payload (written up to its position), CRC32C of type and payload. */
    private static byte[] recordBytes(byte type, ByteBuffer payload) {
        ByteBuffer r = ByteBuffer.allocate(9 + payload.position()).order(ByteOrder.LITTLE_ENDIAN);
        putRecord(r, new CRC32C(), type, payload);
        return r.array();
    }

    /** Puts a record at the start of {@code r} (a little-endian heap buffer, empty) with {@code crc}, reset first. */
    private static void putRecord(ByteBuffer r, CRC32C crc, byte type, ByteBuffer payload) {
        payload.flip();
        int length = payload.remaining();
        r.putInt(length).put(type).put(payload);
        crc.reset();
        crc.update(r.array(), 4, 1 + length);
        r.putInt((int) crc.getValue());
    }

    private String key(SensorId sensor) {
        return dir + sensor.value() + ".log";
    }

    private static ByteBuffer header(long generation) {
        return ByteBuffer.allocate(HEADER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC)
                .putShort(VERSION)
                .putShort((short) 0)
                .putLong(generation)
                .flip();
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static long newGeneration() {
        long g;
        do {
            g = ThreadLocalRandom.current().nextLong();
        } while (g == 0);
        return g;
    }
}
