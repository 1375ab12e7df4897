package io.wavestash.storage.layout;

import io.wavestash.storage.ChunkPlacer;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.key.ChunkKey;
import io.wavestash.storage.key.KeyTemplate;
import io.wavestash.storage.persist.Persister;
import io.wavestash.storage.persist.RandomAccessPersister;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * partd-style appendable segments: a session is cut into time slices of {@code sliceSeconds}; each slice is
 * one file named by the template (with {@code block} = the slice's first byte) into which chunks are written
 * at their own offset, plus a {@code .idx} log of the chunks present (16-byte records: block, length,
 * checksum). A window is one positioned read per slice it touches.
 *
 * <p>When the writer replays after a crash what it wrote since its last flush ({@link #replayedUntilFlush}), the
 * log records are held back until {@link #writePending} (the flush) and written then, one write per log instead of
 * one per chunk: the index is what readers follow, and the logs only serve to rebuild it after a crash. The
 * rebuild leaves out the chunks whose records were lost, and the writer stores them again.
 */
public final class SegmentLayout extends Layouts {
    static final String RANGES_SUFFIX = ".idx";
    private static final int RECORD_BYTES = 16;
    /** Records held back for one log beyond which they are written at once (4,096 chunks). */
    private static final int PENDING_LIMIT = 64 * 1024;

    private final RandomAccessPersister files;
    private final int sliceSeconds;
    private boolean holdBack;
    /** Range records not yet written, by log key, in the order they came. */
    private final Map<String, ByteArrayOutputStream> pending = new LinkedHashMap<>();
    /** The keys the writer (under its store's lock) formats. */
    private final SliceKeys writing = new SliceKeys();

    public SegmentLayout(RandomAccessPersister persister, KeyTemplate template, int sliceSeconds, String device) {
        super(persister, template, device);
        this.files = persister;
        this.sliceSeconds = sliceSeconds;
    }

    @Override
    public void replayedUntilFlush() {
        holdBack = true;
    }

    long sliceBytes(SessionMeta meta) {
        return (long) sliceSeconds
                * meta.format().sampleRateHz()
                * meta.format().frameBytes();
    }

    private String segmentKey(SessionMeta meta, long slice) {
        return template.format(key(meta, slice * sliceBytes(meta)));
    }

    @Override
    public void writeChunk(SessionMeta meta, long block, ByteBuffer pcm) throws IOException {
        int length = pcm.remaining();
        // all the data first, then the range records: a record is only ever written for a chunk that is whole
        place(writing, meta, block, pcm, false);
        recordChunk(meta, block, length);
    }

    /**
     * Writes a chunk's bytes into the slices it falls in, touching nothing else, so any thread may call it; with
     * {@code onlyIfReady}, only into files ready for it, and false at the first that is not.
     */
    private boolean place(SliceKeys keys, SessionMeta meta, long block, ByteBuffer pcm, boolean onlyIfReady)
            throws IOException {
        long slice = sliceBytes(meta);
        long at = block;
        ByteBuffer rest = pcm.duplicate();
        while (rest.hasRemaining()) {
            long s = at / slice;
            int n = (int) Math.min(rest.remaining(), (s + 1) * slice - at);
            Slice keyed = keys.of(meta, s);
            ByteBuffer part = rest.slice(rest.position(), n);
            if (!onlyIfReady) {
                files.writeAt(keyed.segment, at - s * slice, part);
            } else if (!keyed.ready().writeAt(at - s * slice, part)) {
                return false;
            }
            rest.position(rest.position() + n);
            at += n;
        }
        return true;
    }

    /** Files write in place: a chunk's bytes may go ahead, from another thread, of its range records. */
    @Override
    public ChunkPlacer placer() {
        if (!files.writesInPlace()) {
            return null;
        }
        return new ChunkPlacer() {
            /** The keys the placing thread formats. */
            private final SliceKeys placing = new SliceKeys();

            @Override
            public boolean isNew(SessionMeta meta) throws IOException {
                return files.size(metaKey(meta)) < 0;
            }

            @Override
            public boolean place(SessionMeta meta, long block, ByteBuffer pcm) throws IOException {
                return SegmentLayout.this.place(placing, meta, block, pcm, true);
            }

            @Override
            public long prepare(SessionMeta meta, long block) throws IOException {
                long s = block / sliceBytes(meta);
                String segment = segmentKey(meta, s);
                files.prepare(segment);
                files.prepare(segment + RANGES_SUFFIX); // its range log, which the writer opens otherwise
                return (s + 1) * sliceBytes(meta);
            }

            @Override
            public long span(SessionMeta meta) {
                return sliceBytes(meta);
            }
        };
    }

    /** Appends the range record of a chunk whose bytes are in its slices to the log of each slice. */
    @Override
    public void recordChunk(SessionMeta meta, long block, int length) throws IOException {
        byte[] record = new byte[RECORD_BYTES];
        ByteBuffer b = ByteBuffer.wrap(record)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(block)
                .putInt(length);
        CRC32C crc = new CRC32C();
        crc.update(record, 0, 12);
        b.putInt((int) crc.getValue());
        long slice = sliceBytes(meta);
        for (long s = block / slice, last = (block + length - 1) / slice; s <= last; s++) {
            String log = writing.of(meta, s).log;
            if (!holdBack) {
                files.append(log, ByteBuffer.wrap(record));
                continue;
            }
            ByteArrayOutputStream held = pending.computeIfAbsent(log, k -> new ByteArrayOutputStream());
            held.writeBytes(record);
            if (held.size() >= PENDING_LIMIT) {
                write(log, held);
            }
        }
    }

    /** Writes the range records held back, each log's in one write; a log that fails keeps its records. */
    @Override
    public void writePending() throws IOException {
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            write(e.getKey(), e.getValue());
            it.remove();
        }
    }

    private void write(String log, ByteArrayOutputStream held) throws IOException {
        files.append(log, ByteBuffer.wrap(held.toByteArray()));
        held.reset();
    }

    /**
     * The keys of the slice each sensor wrote last, formatted once: a sensor writes a slice's chunks one after
     * another, and formatting the keys of each cost more than writing its range record. One thread uses one.
     */
    private final class SliceKeys {
        private final Map<SensorId, Slice> last = new HashMap<>();

        Slice of(SessionMeta meta, long slice) {
            Slice s = last.get(meta.sensor());
            if (s == null || s.session != meta.startEpochMicros() || s.slice != slice) {
                if (last.size() >= SLICE_KEYS_LIMIT) {
                    last.clear();
                }
                String segment = segmentKey(meta, slice);
                s = new Slice(meta.startEpochMicros(), slice, segment, segment + RANGES_SUFFIX);
                last.put(meta.sensor(), s);
            }
            return s;
        }
    }

    /**
     * A slice of a session and the keys of its segment and range log; for the placing thread also its segment,
     * found once.
     */
    private final class Slice {
        final long session;
        final long slice;
        final String segment;
        final String log;
        private RandomAccessPersister.Ready ready;

        Slice(long session, long slice, String segment, String log) {
            this.session = session;
            this.slice = slice;
            this.segment = segment;
            this.log = log;
        }

        RandomAccessPersister.Ready ready() {
            if (ready == null) {
                ready = files.ready(segment);
            }
            return ready;
        }
    }

    /** Sensors whose last slice's keys are kept; more, and all are formatted again. */
    private static final int SLICE_KEYS_LIMIT = 1 << 16;

    @Override
    public void read(SessionEntry session, long byteFrom, ByteBuffer dst) throws IOException {
        long slice = sliceBytes(session.meta());
        long at = byteFrom;
        while (dst.hasRemaining()) {
            long s = at / slice;
            int n = (int) Math.min(dst.remaining(), (s + 1) * slice - at);
            ByteBuffer part = dst.slice(dst.position(), n);
            String key = segmentKey(session.meta(), s);
            int got = files.read(key, at - s * slice, part);
            if (got != n) {
                throw new io.wavestash.storage.StoreException(
                        "segment " + key + " is shorter than its range index says");
            }
            dst.position(dst.position() + n);
            at += n;
        }
    }

    /** Slice by slice from the segment files: a local file hands its bytes to a file without a copy here. */
    @Override
    public void transferTo(SessionEntry session, long byteFrom, long count, WritableByteChannel target)
            throws IOException {
        long slice = sliceBytes(session.meta());
        for (long at = byteFrom, end = byteFrom + count; at < end; ) {
            long s = at / slice;
            long n = Math.min(end - at, (s + 1) * slice - at);
            String key = segmentKey(session.meta(), s);
            if (files.transferTo(key, at - s * slice, n, target) != n) {
                throw new io.wavestash.storage.StoreException(
                        "segment " + key + " is shorter than its range index says");
            }
            at += n;
        }
    }

    @Override
    public void deleteSession(SessionEntry session) throws IOException {
        long slice = sliceBytes(session.meta());
        TreeSet<Long> slices = new TreeSet<>();
        for (long[] range : session.runs().presentRanges(0, Long.MAX_VALUE)) {
            for (long s = range[0] / slice; s <= (range[1] - 1) / slice; s++) {
                slices.add(s);
            }
        }
        for (long s : slices) {
            String key = segmentKey(session.meta(), s);
            pending.remove(key + RANGES_SUFFIX);
            files.delete(key + RANGES_SUFFIX);
            files.delete(key);
        }
        files.delete(dropoutsKey(session.meta()));
        files.delete(clockKey(session.meta()));
        files.delete(metaKey(session.meta()));
    }

    @Override
    public java.util.List<SessionEntry> scan(Consumer<String> warnings, boolean repair) throws IOException {
        writePending();
        return scan(warnings, new ScanVisitor() {
            @Override
            public void visit(Persister.StoredObject o, Map<String, Found> sessions, Consumer<String> warn) {
                String dataKey = o.key().endsWith(RANGES_SUFFIX)
                        ? o.key().substring(0, o.key().length() - RANGES_SUFFIX.length())
                        : o.key();
                ChunkKey key = template.tryParse(dataKey);
                if (key == null) {
                    warn.accept("ignoring " + o.key() + ": it does not match template '" + template + "'");
                    return;
                }
                if (!Objects.equals(key.device(), device) || !o.key().endsWith(RANGES_SUFFIX)) {
                    return;
                }
                Found found = sessions.computeIfAbsent(sessionId(key), k -> new Found());
                try {
                    readRanges(o.key(), found, warn, repair);
                } catch (IOException e) {
                    warn.accept("ignoring " + o.key() + ": " + e.getMessage());
                }
            }

            @Override
            public void addTo(SessionMeta meta, ChunkRuns runs, long[] extent, Consumer<String> warn) {
                try {
                    runs.add(extent[0], (int) extent[1]);
                } catch (IllegalArgumentException e) {
                    warn.accept("ignoring a chunk of session " + meta.startEpochMicros() + " of sensor " + meta.sensor()
                            + ": " + e.getMessage());
                }
            }
        });
    }

    /** Reads a range log; a torn or corrupt tail (a crash mid-append) ends it. */
    private void readRanges(String key, Found found, Consumer<String> warn, boolean repair) throws IOException {
        byte[] bytes = files.read(key);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        int i = 0;
        for (; i + RECORD_BYTES <= bytes.length; i += RECORD_BYTES) {
            crc.reset();
            crc.update(bytes, i, 12);
            if ((int) crc.getValue() != b.getInt(i + 12)) {
                break;
            }
            found.extents.add(new long[] {b.getLong(i), b.getInt(i + 8)});
        }
        if (i != bytes.length) {
            warn.accept(key + ": ignoring " + (bytes.length - i) + " bytes of a torn or corrupt range record");
            if (repair) {
                files.truncate(key, i); // so that the next record appended starts on a record boundary
            }
        }
    }
}
