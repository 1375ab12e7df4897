package io.wavestash.ingest.journal;

import io.wavestash.ingest.ring.ChunkEvent;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The Chronicle Queue journal: a chunk is acknowledged once appended here. Records are raw bytes:
 * kind, sensor, session, block, block end, length, data, and for a measured chunk its level and silence flag. Appends come from the ring's handler thread only.
 */
public final class Journal implements AutoCloseable {
    private static final RollCycle CYCLE = RollCycles.FIVE_MINUTELY;

    static {
        // the daemon keeps its own floor of free space (DiskGuard); Chronicle's monitor would only log about it
        if (System.getProperty("chronicle.disk.monitor.disable") == null) {
            System.setProperty("chronicle.disk.monitor.disable", "true");
        }
    }

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;

    public Journal(Path dir) throws IOException {
        this(dir, false);
    }

    private Journal(Path dir, boolean readOnly) throws IOException {
        this.dir = readOnly ? dir : Files.createDirectories(dir);
        this.queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(CYCLE)
                .readOnly(readOnly)
                .build();
        this.appender = readOnly ? null : queue.createAppender();
    }

    /** Opens a journal only to read it (no write lock is taken; the writer may be running). */
    public static Journal readOnly(Path dir) throws IOException {
        return new Journal(dir, true);
    }

    /** Room a record takes besides its data, at most. */
    public static final int RECORD_OVERHEAD = 128;

    /** Appends one ring event; returns its journal index. */
    public long append(ChunkEvent e) {
        return append(
                e.kind(),
                e.sensor(),
                e.session(),
                e.block(),
                e.blockEnd(),
                e.data(),
                e.length(),
                e.levelDbfs(),
                e.silent());
    }

    /** Appends a session record kept back earlier ({@code json} as the ring carried it). */
    public long appendSession(String sensor, byte[] json, int length) {
        return append(ChunkEvent.Kind.SESSION, sensor, 0, 0, 0, json, length, Float.NaN, false);
    }

    /** Appends a dropout the journal's writer recorded itself (chunks it could not journal). */
    public long appendDropout(String sensor, long session, long fromBlock, long toBlock) {
        return append(ChunkEvent.Kind.DROPOUT, sensor, session, fromBlock, toBlock, null, 0, Float.NaN, false);
    }

    /** Appends a timing anchor kept back earlier. */
    public long appendAnchor(String sensor, long session, long frame, long offsetNanos) {
        return append(ChunkEvent.Kind.ANCHOR, sensor, session, frame, offsetNanos, null, 0, Float.NaN, false);
    }

    private long append(
            ChunkEvent.Kind kind,
            String sensor,
            long session,
            long block,
            long blockEnd,
            byte[] data,
            int length,
            float level,
            boolean silent) {
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeByte((byte) kind.ordinal());
            b.writeUtf8(sensor);
            b.writeLong(session);
            b.writeLong(block);
            b.writeLong(blockEnd);
            b.writeInt(length);
            if (length > 0) {
                b.write(data, 0, length);
            }
            if (kind == ChunkEvent.Kind.CHUNK && !Float.isNaN(level)) {
                b.writeFloat(level);
                b.writeByte((byte) (silent ? 1 : 0));
            }
        }
        return appender.lastIndexAppended();
    }

    /** A reader positioned just after {@code index} (or at the start for -1). */
    public Reader readerAfter(long index) {
        ExcerptTailer tailer = queue.createTailer();
        if (index >= 0) {
            if (tailer.moveToIndex(index)) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    // consume the record at index: it was already applied
                }
            } else {
                tailer.toStart();
            }
        }
        return new Reader(tailer);
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
    }

    /** Reads records in order. Not thread-safe; one per consumer. */
    public static final class Reader implements AutoCloseable {
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
                r.kind = ChunkEvent.Kind.values()[b.readByte()];
                r.sensor = b.readUtf8();
                r.session = b.readLong();
                r.block = b.readLong();
                r.blockEnd = b.readLong();
                r.length = b.readInt();
                if (r.data.length < r.length) {
                    r.data = new byte[Math.max(r.length, r.data.length * 2)];
                }
                b.read(r.data, 0, r.length);
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
        int keepFrom = CYCLE.toCycle(index);
        int current = queue.cycle();
        DateTimeFormatter names = DateTimeFormatter.ofPattern(CYCLE.format()).withZone(ZoneOffset.UTC);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SingleChronicleQueue.SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String stamp = name.substring(0, name.length() - SingleChronicleQueue.SUFFIX.length());
                int cycle;
                try {
                    cycle = (int) (Instant.from(names.parse(stamp)).toEpochMilli() / CYCLE.lengthInMillis());
                } catch (RuntimeException notACycleFile) {
                    continue;
                }
                if (cycle < keepFrom && cycle < current && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (appender != null) {
            appender.close();
        }
        queue.close();
    }
}
