package io.wavestash.ingest.journal;

import io.wavestash.config.IngestConfig;
import io.wavestash.ingest.Background;
import io.wavestash.ingest.DiskGuard;
import io.wavestash.ingest.ring.ChunkEvent;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The Chronicle Queue journal: a chunk is acknowledged once appended here. Records are raw bytes:
 * kind, sensor, session, block, block end, length, data, and for a measured chunk its level and silence flag. A
 * chunk whose bytes were written into the store first ({@link Writer#appendChunk}) has its kind marked {@link
 * #PLACED} and no data. Each of the ring's consumer threads appends through a {@link Writer} of its own.
 */
public final class Journal implements AutoCloseable {
    /**
     * Held so that the level set on it stays: the queue library's routine INFO messages are not for users. Set
     * when the first journal is opened, so that commands that never open one never start the logging system.
     */
    private static final java.util.logging.Logger CHRONICLE_LOG = java.util.logging.Logger.getLogger("net.openhft");

    static {
        CHRONICLE_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private static final Map<Duration, RollCycle> CYCLES = Map.ofEntries(
            Map.entry(Duration.ofSeconds(1), TestRollCycles.TEST_SECONDLY),
            Map.entry(Duration.ofMinutes(1), RollCycles.MINUTELY),
            Map.entry(Duration.ofMinutes(5), RollCycles.FIVE_MINUTELY),
            Map.entry(Duration.ofMinutes(10), RollCycles.TEN_MINUTELY),
            Map.entry(Duration.ofMinutes(20), RollCycles.TWENTY_MINUTELY),
            Map.entry(Duration.ofMinutes(30), RollCycles.HALF_HOURLY),
            Map.entry(Duration.ofHours(1), RollCycles.HOURLY),
            Map.entry(Duration.ofHours(2), RollCycles.TWO_HOURLY),
            Map.entry(Duration.ofHours(4), RollCycles.FOUR_HOURLY),
            Map.entry(Duration.ofHours(6), RollCycles.SIX_HOURLY),
            Map.entry(Duration.ofDays(1), RollCycles.DAILY));

    static {
        // the daemon keeps its own floor of free space (DiskGuard); Chronicle's monitor would only log about it
        if (System.getProperty("chronicle.disk.monitor.disable") == null) {
            System.setProperty("chronicle.disk.monitor.disable", "true");
        }
    }

    /**
     * How long an append waits for Chronicle's write lock, or for a record header to complete, before taking it
     * from a process that died holding it. A writer holds the lock while it copies one record in, so a wait this
     * long means a killed daemon: the next start waits this long, not Chronicle's default ten seconds. (A live
     * process is never taken from: an append that waited so long on one fails instead.)
     */
    private static final long LOCK_TIMEOUT_MS = 1_000;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final boolean readOnly;
    /** Every writer handed out, to close with the journal. */
    private final java.util.List<Writer> writers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile PageToucher toucher;
    private Thread touching;

    /** Opens (or creates) the journal in {@code dir} with five-minute cycles. */
    public Journal(Path dir) throws IOException {
        this(dir, IngestConfig.DEFAULT_JOURNAL_CYCLE);
    }

    /**
     * Opens (or creates) the journal in {@code dir}; a new journal gets files of {@code cycle} each, an existing
     * one keeps the cycle it was created with.
     */
    public Journal(Path dir, Duration cycle) throws IOException {
        this(dir, cycle, DEFAULT_LARGEST_RECORD, false);
    }

    /**
     * As above, for records of at most {@code largestRecordBytes} of audio. The journal maps its file a block at a
     * time, and a block must hold four of the largest record; a smaller block keeps less of the file mapped
     * (resident) at once: 4 MiB for 100 ms chunks instead of the queue's default 64 MiB.
     */
    public Journal(Path dir, Duration cycle, long largestRecordBytes) throws IOException {
        this(dir, cycle, largestRecordBytes, false);
    }

    /** The largest record a journal opened without saying takes: 16 MiB, a quarter of the queue's usual block. */
    private static final long DEFAULT_LARGEST_RECORD = 16L << 20;

    /** The smallest mapped block. */
    private static final long MIN_BLOCK = 4L << 20;

    static long blockSize(long largestRecordBytes) {
        long wanted = Math.max(MIN_BLOCK, 4 * (largestRecordBytes + RECORD_OVERHEAD + SESSION_ROOM));
        return Long.highestOneBit(wanted - 1) << 1;
    }

    /** Room for a session record's JSON, whatever the chunk size. */
    private static final long SESSION_ROOM = 64L << 10;

    private Journal(Path dir, Duration cycle, long largestRecordBytes, boolean readOnly) throws IOException {
        RollCycle rollCycle = CYCLES.get(cycle);
        if (rollCycle == null) {
            throw new IllegalArgumentException("no journal cycle of " + cycle + "; there are " + CYCLES.keySet());
        }
        this.dir = readOnly ? dir : Files.createDirectories(dir);
        this.readOnly = readOnly;
        this.queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(rollCycle)
                .blockSize(blockSize(largestRecordBytes))
                .timeoutMS(LOCK_TIMEOUT_MS)
                .readOnly(readOnly)
                .build();
        if (!readOnly) {
            // a writer killed between deleting cycle files and recording it left the oldest cycle stale
            queue.refreshDirectoryListing();
        }
    }

    /**
     * A writer of its own, for one thread: several threads append to one journal each through its own writer,
     * taking turns on the queue's write lock for the moment a record takes. A reader sees each writer's records in
     * the order it appended them.
     */
    public Writer writer() {
        if (readOnly) {
            throw new IllegalStateException("the journal in " + dir + " was opened read-only");
        }
        Writer w = new Writer(queue.createAppender());
        writers.add(w);
        return w;
    }

    /** Opens a journal only to read it (no write lock is taken; the writer may be running). */
    public static Journal readOnly(Path dir) throws IOException {
        return new Journal(dir, IngestConfig.DEFAULT_JOURNAL_CYCLE, DEFAULT_LARGEST_RECORD, true);
    }

    /** Room a record takes besides its data, at most. */
    public static final int RECORD_OVERHEAD = 128;

    /** Marks the kind byte of a chunk record whose data is in the store, not in the record. */
    static final int PLACED = 0x80;

    /** A chunk's record but its bytes: what {@link Writer#appendChunk} appends. */
    public record Chunk(
            String sensor, long session, long block, long blockEnd, int length, float level, boolean silent) {
        /** The record of the chunk {@code e} carries. */
        public static Chunk of(ChunkEvent e) {
            return new Chunk(e.sensor(), e.session(), e.block(), e.blockEnd(), e.length(), e.levelDbfs(), e.silent());
        }
    }

    /** Appends records to the journal from one thread ({@link #writer()}). */
    public final class Writer {
        private final ExcerptAppender appender;

        private Writer(ExcerptAppender appender) {
            this.appender = appender;
        }

        /** Appends one ring event; returns its journal index. */
        public long append(ChunkEvent e) {
            return append(
                    e.kind(),
                    0,
                    e.sensor(),
                    e.session(),
                    e.block(),
                    e.blockEnd(),
                    e.data(),
                    0,
                    e.length(),
                    e.levelDbfs(),
                    e.silent());
        }

        /**
         * Appends {@code chunk}, whose bytes are {@code chunk.length()} bytes of {@code data} from {@code offset};
         * when {@code placed}, they are in the store already and only their place goes into the record.
         */
        public long appendChunk(Chunk chunk, byte[] data, int offset, boolean placed) {
            return append(
                    ChunkEvent.Kind.CHUNK,
                    placed ? PLACED : 0,
                    chunk.sensor(),
                    chunk.session(),
                    chunk.block(),
                    chunk.blockEnd(),
                    data,
                    offset,
                    chunk.length(),
                    chunk.level(),
                    chunk.silent());
        }

        /** Appends a session record kept back earlier ({@code json} as the ring carried it). */
        public long appendSession(String sensor, byte[] json, int length) {
            return append(ChunkEvent.Kind.SESSION, 0, sensor, 0, 0, 0, json, 0, length, Float.NaN, false);
        }

        /** Appends a dropout the journal's writer recorded itself (chunks it could not journal). */
        public long appendDropout(String sensor, long session, long fromBlock, long toBlock) {
            return append(
                    ChunkEvent.Kind.DROPOUT, 0, sensor, session, fromBlock, toBlock, null, 0, 0, Float.NaN, false);
        }

        /** Appends a timing anchor kept back earlier. */
        public long appendAnchor(String sensor, long session, long frame, long offsetNanos) {
            return append(ChunkEvent.Kind.ANCHOR, 0, sensor, session, frame, offsetNanos, null, 0, 0, Float.NaN, false);
        }

        private long append(
                ChunkEvent.Kind kind,
                int marks,
                String sensor,
                long session,
                long block,
                long blockEnd,
                byte[] data,
                int offset,
                int length,
                float level,
                boolean silent) {
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> b = dc.wire().bytes();
                b.writeByte((byte) (kind.ordinal() | marks));
                b.writeUtf8(sensor);
                b.writeLong(session);
                b.writeLong(block);
                b.writeLong(blockEnd);
                b.writeInt(length);
                if (length > 0 && (marks & PLACED) == 0) {
                    b.write(data, offset, length);
                }
                if (kind == ChunkEvent.Kind.CHUNK && !Float.isNaN(level)) {
                    b.writeFloat(level);
                    b.writeByte((byte) (silent ? 1 : 0));
                }
            }
            PageToucher ahead = toucher;
            if (ahead != null) {
                Bytes<?> written = appender.wire().bytes();
                ahead.appended(((MappedBytes) written).mappedFile(), written.writePosition());
            }
            return appender.lastIndexAppended();
        }

        private void close() {
            appender.close();
        }
    }

    /**
     * Starts writing the journal's pages ahead of its appends from a thread of its own ({@link PageToucher}),
     * so that appends do not take the page faults. None are written while the journal's disk ({@code guard}) is
     * near the floor its chunks keep: the appends there find their pages untouched.
     */
    public synchronized void touchAhead(DiskGuard guard) {
        if (readOnly || toucher != null) {
            return;
        }
        PageToucher ahead = new PageToucher(guard, JournalHandler.CHUNK_FLOOR_BYTES + PageToucher.MAX_AHEAD);
        touching = new Thread(() -> Background.run(ahead), "wavestash-journal-toucher");
        touching.setDaemon(true);
        toucher = ahead; // last: whoever sees the toucher also sees its thread
        touching.start();
    }

    /** The index of the newest record, -1 when the journal holds none. */
    public long lastIndex() {
        return queue.lastIndex();
    }

    /** How many records the journal holds after {@code index} (-1: all of them). */
    public long recordsAfter(long index) {
        long last = queue.lastIndex();
        if (last < 0 || index >= last) {
            return 0;
        }
        long first = queue.firstIndex();
        long from = index < first ? first : index;
        // counts [from, last); the record at index was applied, the one at last was not
        return queue.countExcerpts(from, last) + (index < first ? 1 : 0);
    }

    /** A reader positioned just after {@code index} (or at the start for -1). */
    public Reader readerAfter(long index) {
        ExcerptTailer tailer = queue.createTailer();
        if (index >= 0 && tailer.moveToIndex(index)) {
            try (DocumentContext dc = tailer.readingDocument()) {
                // consume the record at index: it was already applied
            }
        } else {
            toOldestRecord(tailer);
        }
        return new Reader(tailer);
    }

    /**
     * Moves to the first record of the oldest cycle file there is. Chronicle's own start comes from the oldest
     * cycle its directory listing recorded, which a read-only journal cannot refresh: after cycles were deleted
     * it may name a file that is gone, and a tailer sent there finds nothing.
     */
    private void toOldestRecord(ExcerptTailer tailer) {
        try {
            for (int cycle : cycleFiles().keySet()) {
                if (tailer.moveToIndex(queue.rollCycle().toIndex(cycle, 0))) {
                    return;
                }
            }
        } catch (IOException cannotList) {
            // Chronicle's own start is the best there is
        }
        tailer.toStart();
    }

    /** One journal record, valid until the next read. */
    public static final class Record {
        public ChunkEvent.Kind kind;
        public String sensor;
        public long session;
        public long block;
        public long blockEnd;
        public byte[] data = new byte[0];
        public int length;
        public long index;
        /** A chunk's level in dBFS as measured at capture, NaN when it was not. */
        public float levelDbfs;

        public boolean silent;
        /** A chunk whose bytes the store holds already: {@link #data} is not filled, {@link #length} says how many. */
        public boolean placed;
    }

    /** Reads records in order. Not thread-safe; one per consumer. */
    public static final class Reader implements AutoCloseable {
        /** The kinds by ordinal ({@code values()} copies its array every call). */
        private static final ChunkEvent.Kind[] KINDS = ChunkEvent.Kind.values();

        private final ExcerptTailer tailer;

        Reader(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** Fills {@code r} with the next record; false when none is there yet. */
        public boolean next(Record r) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return false;
                }
                Bytes<?> b = dc.wire().bytes();
                int kind = b.readUnsignedByte();
                r.kind = KINDS[kind & ~PLACED];
                r.placed = (kind & PLACED) != 0;
                r.sensor = b.readUtf8();
                r.session = b.readLong();
                r.block = b.readLong();
                r.blockEnd = b.readLong();
                r.length = b.readInt();
                if (!r.placed) {
                    if (r.data.length < r.length) {
                        r.data = new byte[Math.max(r.length, r.data.length * 2)];
                    }
                    b.read(r.data, 0, r.length);
                }
                if (b.readRemaining() >= 5) {
                    r.levelDbfs = b.readFloat();
                    r.silent = b.readByte() != 0;
                } else {
                    r.levelDbfs = Float.NaN;
                    r.silent = false;
                }
                r.index = dc.index();
                return true;
            }
        }

        @Override
        public void close() {
            tailer.close();
        }
    }

    /** Deletes the journal's cycle files older than the cycle of {@code index} (all of it materialized). */
    public int deleteCyclesBefore(long index) throws IOException {
        int keepFrom = queue.rollCycle().toCycle(index);
        int current = queue.cycle();
        int deleted = 0;
        for (Map.Entry<Integer, Path> file : cycleFiles().entrySet()) {
            int cycle = file.getKey();
            if (cycle < keepFrom && cycle < current && Files.deleteIfExists(file.getValue())) {
                deleted++;
            }
        }
        if (deleted > 0) {
            // readers (read-only ones too) start from the oldest cycle the listing records
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /** The journal's cycle files by cycle number, oldest first. */
    private Map<Integer, Path> cycleFiles() throws IOException {
        RollCycle rollCycle = queue.rollCycle();
        DateTimeFormatter names =
                DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        Map<Integer, Path> cycles = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SingleChronicleQueue.SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String stamp = name.substring(0, name.length() - SingleChronicleQueue.SUFFIX.length());
                try {
                    cycles.put(
                            (int) (Instant.from(names.parse(stamp)).toEpochMilli() / rollCycle.lengthInMillis()), file);
                } catch (RuntimeException notACycleFile) {
                    // metadata and other files
                }
            }
        }
        return cycles;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (toucher != null) {
            toucher.stop();
            try {
                touching.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writers.forEach(Writer::close);
        queue.close();
    }
}
