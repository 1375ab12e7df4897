package io.wavestash.storage;

import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.BooleanSupplier;

/**
 * Copies the sessions of one store into another, chunk by chunk with the same byte offsets, whatever the two
 * stores' layouts, templates, codecs and backends: metadata, dropouts and timing anchors with them, and chunk
 * levels when asked. What the target already holds is skipped, so a copy that stopped half way resumes where
 * it stopped; the target's own index says what that is. With verification every chunk is read back from the
 * target and compared with the source, including chunks a previous run copied.
 */
public final class StoreCopier {
    private static final int FLUSH_EVERY_CHUNKS = 256;

    private final ChunkStore source;
    private final ChunkStore target;
    private final boolean verify;
    private final boolean levels;

    /** How far a copy has got. */
    public record Progress(long chunks, long totalChunks, long bytes, long totalBytes) {}

    /** Told of progress now and then. */
    public interface Listener {
        void progress(Progress progress);
    }

    /** What one pass did. */
    public record Result(long sessionsCreated, long chunksCopied, long chunksAlreadyThere, long bytesCopied) {}

    public StoreCopier(ChunkStore source, ChunkStore target, boolean verify, boolean levels) {
        this.source = source;
        this.target = target;
        this.verify = verify;
        this.levels = levels;
    }

    /** What the source holds and the target does not yet. */
    public record Backlog(long bytes, double seconds) {}

    /**
     * The audio the source holds and the target does not: bytes over all sensors, and seconds of the sensor
     * furthest behind.
     */
    public Backlog backlog() {
        long bytes = 0;
        double seconds = 0;
        for (SensorId sensor : source.sensors()) {
            double sensorSeconds = 0;
            NavigableMap<Long, SessionEntry> copied = target.sessions(sensor);
            for (SessionEntry s : source.sessions(sensor).values()) {
                long behind = behind(s, copied.get(s.meta().startEpochMicros()));
                bytes += behind;
                sensorSeconds += (double) behind
                        / s.meta().format().frameBytes()
                        / s.meta().format().sampleRateHz();
            }
            seconds = Math.max(seconds, sensorSeconds);
        }
        return new Backlog(bytes, seconds);
    }

    /** Whether the target holds every byte of a session of the source (and its dropouts). */
    public boolean holds(SensorId sensor, SessionEntry session) {
        SessionEntry t = target.sessions(sensor).get(session.meta().startEpochMicros());
        return t != null
                && behind(session, t) == 0
                && t.dropouts().all().size() >= session.dropouts().all().size();
    }

    private static long behind(SessionEntry source, SessionEntry target) {
        if (target == null) {
            return source.runs().presentBytes();
        }
        long behind = 0;
        for (long[] gap : gaps(source.runs(), target.runs())) {
            behind += gap[1] - gap[0];
        }
        return behind;
    }

    /** Copies everything the target lacks; stops early (between chunks, after a flush) when {@code stop} says so. */
    public Result copy(Listener listener, BooleanSupplier stop) {
        long totalChunks = 0;
        long totalBytes = 0;
        for (SensorId sensor : source.sensors()) {
            requirePlain(sensor);
            for (SessionEntry s : source.sessions(sensor).values()) {
                totalChunks += s.runs().chunkCount();
                totalBytes += s.runs().presentBytes();
            }
        }
        Counts counts = new Counts(totalChunks, totalBytes, listener);
        try {
            for (SensorId sensor : source.sensors()) {
                for (SessionEntry s : source.sessions(sensor).values()) {
                    copySession(sensor, s, counts, stop);
                    if (stop.getAsBoolean()) {
                        return counts.result();
                    }
                }
            }
        } finally {
            target.flush();
        }
        listener.progress(counts.progress());
        return counts.result();
    }

    private void requirePlain(SensorId sensor) {
        if (sensor.isQualified()) {
            throw new StoreException("sensor " + sensor + ": the source is shared by devices; copy one device at a"
                    + " time (name its device in the source config)");
        }
    }

    private void copySession(SensorId sensor, SessionEntry s, Counts counts, BooleanSupplier stop) {
        long start = s.meta().startEpochMicros();
        SessionEntry t = target.sessions(sensor).get(start);
        if (t == null) {
            target.createSession(s.meta());
            counts.sessions++;
        } else if (!t.meta().format().equals(s.meta().format())) {
            throw new StoreException("sensor " + sensor + ", session " + Times.ofEpochMicros(start)
                    + ": the target holds this session in another format ("
                    + t.meta().format().describe() + ", not "
                    + s.meta().format().describe() + ")");
        }
        for (long[] d : s.dropouts().all()) {
            target.recordDropout(sensor, start, d[0], d[1]);
        }
        for (long[] a : s.anchors().all()) {
            target.recordAnchor(sensor, start, a[0], a[1]);
        }
        Map<Long, ChunkLevel> levelByBlock = new HashMap<>();
        if (levels) {
            source.forEachLevel(sensor, start, r -> levelByBlock.put(r.block(), r.level()));
        }
        ChunkRuns have = target.sessions(sensor).get(start).runs();
        List<ChunkRuns.Chunk> todo = verify ? s.runs().chunks() : missing(s.runs(), have);
        counts.skip(
                s.runs().chunkCount() - todo.size(),
                s.runs().presentBytes()
                        - todo.stream().mapToLong(ChunkRuns.Chunk::length).sum());
        int sinceFlush = 0;
        for (ChunkRuns.Chunk c : todo) {
            ChunkRuns.Chunk there = have.chunkAt(c.block());
            boolean present = there != null && there.block() == c.block() && there.length() == c.length();
            ByteBuffer bytes = ByteBuffer.allocate(c.length());
            if (!present || verify) {
                source.read(sensor, start, c.block(), bytes);
            }
            if (!present) {
                target.write(sensor, start, c.block(), bytes.flip(), levelByBlock.get(c.block()));
                sinceFlush++;
            }
            if (verify) {
                ByteBuffer back = ByteBuffer.allocate(c.length());
                target.read(sensor, start, c.block(), back);
                if (!back.flip().equals(bytes.rewind())) {
                    throw new StoreException("verification failed: chunk at byte " + c.block() + " of sensor "
                            + sensor + ", session " + Times.ofEpochMicros(start) + " reads back differently from "
                            + target.config().where());
                }
            }
            counts.done(c, !present);
            if (sinceFlush >= FLUSH_EVERY_CHUNKS) {
                target.flush(); // what a later run may skip is what the target's index holds
                sinceFlush = 0;
            }
            if (stop.getAsBoolean()) {
                return;
            }
        }
    }

    /** The source's chunks that start where the target has no bytes. */
    private static List<ChunkRuns.Chunk> missing(ChunkRuns source, ChunkRuns target) {
        List<ChunkRuns.Chunk> out = new ArrayList<>();
        if (target.presentBytes() == source.presentBytes() && target.endByte() == source.endByte()) {
            return out; // all there (the target holds nothing the source lacks)
        }
        for (long[] gap : gaps(source, target)) {
            out.addAll(source.chunksStartingIn(gap[0], gap[1]));
        }
        return out;
    }

    /** The byte ranges the source holds and the target does not. */
    private static List<long[]> gaps(ChunkRuns source, ChunkRuns target) {
        List<long[]> out = new ArrayList<>();
        for (long[] range : source.presentRanges(0, Long.MAX_VALUE)) {
            long at = range[0];
            for (long[] held : target.presentRanges(range[0], range[1])) {
                if (at < held[0]) {
                    out.add(new long[] {at, held[0]});
                }
                at = held[1];
            }
            if (at < range[1]) {
                out.add(new long[] {at, range[1]});
            }
        }
        return out;
    }

    private static final class Counts {
        final long totalChunks;
        final long totalBytes;
        final Listener listener;
        long sessions;
        long chunks;
        long copied;
        long already;
        long bytes;
        long bytesCopied;

        Counts(long totalChunks, long totalBytes, Listener listener) {
            this.totalChunks = totalChunks;
            this.totalBytes = totalBytes;
            this.listener = listener;
        }

        void skip(long knownChunks, long knownBytes) {
            chunks += knownChunks;
            already += knownChunks;
            bytes += knownBytes;
        }

        void done(ChunkRuns.Chunk c, boolean wasCopied) {
            chunks++;
            bytes += c.length();
            if (wasCopied) {
                copied++;
                bytesCopied += c.length();
            } else {
                already++;
            }
            listener.progress(progress());
        }

        Progress progress() {
            return new Progress(chunks, totalChunks, bytes, totalBytes);
        }

        Result result() {
            return new Result(sessions, copied, already, bytesCopied);
        }
    }
}
