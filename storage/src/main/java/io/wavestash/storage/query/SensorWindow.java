package io.wavestash.storage.query;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Times;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sensor recorded in a window {@code [from, to)}: ordered segments of samples and the gaps between
 * them. Samples are not read until a stream is opened, and streams read through a small buffer, so any
 * window length costs the same memory.
 */
public final class SensorWindow {
    private final SensorId sensor;
    private final Instant from;
    private final Instant to;
    private final List<Segment> segments;
    private final List<Gap> gaps;
    private final ChunkStore store;

    SensorWindow(SensorId sensor, Instant from, Instant to, List<Segment> segments, List<Gap> gaps, ChunkStore store) {
        this.sensor = sensor;
        this.from = from;
        this.to = to;
        this.segments = List.copyOf(segments);
        this.gaps = List.copyOf(gaps);
        this.store = store;
    }

    public SensorId sensor() {
        return sensor;
    }

    public Instant from() {
        return from;
    }

    public Instant to() {
        return to;
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<Gap> gaps() {
        return gaps;
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** Frames of recorded samples in the window. */
    public long recordedFrames() {
        return segments.stream().mapToLong(Segment::frames).sum();
    }

    /** The one sample format of every segment; throws when the window is empty or mixes formats. */
    public SampleFormat format() {
        if (segments.isEmpty()) {
            throw new QueryException("sensor " + sensor + " has no samples in [" + from + ", " + to + ")");
        }
        SampleFormat format = segments.get(0).format();
        for (Segment s : segments) {
            if (!s.format().equals(format)) {
                throw new QueryException("sensor " + sensor + " changes sample format inside [" + from + ", " + to
                        + "): " + format.describe() + " until " + s.start() + ", then "
                        + s.format().describe() + "; query the two parts separately");
            }
        }
        return format;
    }

    /** The recorded samples back to back, gaps left out. */
    public Stream samples() {
        SampleFormat format = format();
        List<Piece> pieces = new ArrayList<>();
        for (Segment s : segments) {
            pieces.add(new Piece(s, s.byteFrom(), s.bytes()));
        }
        return new Stream(format, pieces);
    }

    /** Every sample period of the window on the grid of its first segment, gaps filled with silence. */
    public Stream filled() {
        SampleFormat format = format();
        int fb = format.frameBytes();
        List<Piece> pieces = new ArrayList<>();
        Segment first = segments.get(0);
        long cursor = leadingFrames(from, first);
        if (cursor > 0) {
            pieces.add(new Piece(null, 0, cursor * fb));
        }
        Segment previous = null;
        for (Segment s : segments) {
            long position = previous == null ? cursor : cursor + framesBetween(previous, s);
            long skip = Math.max(0, cursor - position);
            if (position > cursor) {
                pieces.add(new Piece(null, 0, (position - cursor) * fb));
            }
            if (skip < s.frames()) {
                pieces.add(new Piece(s, s.byteFrom() + skip * fb, (s.frames() - skip) * fb));
            }
            cursor = Math.max(cursor, position) + Math.max(0, s.frames() - skip);
            previous = s;
        }
        long trailing = trailingFrames(segments.get(segments.size() - 1), to);
        if (trailing > 0) {
            pieces.add(new Piece(null, 0, trailing * fb));
        }
        return new Stream(format, pieces);
    }

    /** Grid points before the segment that are still in the window: {@code from <= t < first.start()}. */
    static long leadingFrames(Instant from, Segment first) {
        long firstInWindow = first.clock().firstIndexAtOrAfter(from);
        return Math.max(0, first.firstFrame() - firstInWindow);
    }

    /** Grid points after the segment that are still in the window. */
    static long trailingFrames(Segment last, Instant to) {
        long end = last.clock().firstIndexAtOrAfter(to);
        return Math.max(0, end - (last.firstFrame() + last.frames()));
    }

    /** Sample periods between the end of {@code a} and the start of {@code b}: exact within a session, rounded across. */
    static long framesBetween(Segment a, Segment b) {
        if (a.sessionEpochMicros() == b.sessionEpochMicros()) {
            return b.firstFrame() - (a.firstFrame() + a.frames());
        }
        return Times.roundedFrames(a.end(), b.start(), a.format().sampleRateHz());
    }

    private static final int SILENCE_BUFFER_BYTES = 1 << 16;

    private record Piece(Segment segment, long byteFrom, long bytes) {}

    /** A readable stream of PCM bytes in the window's format; silence where a piece has no segment. */
    public final class Stream implements ReadableByteChannel {
        private final SampleFormat format;
        private final List<Piece> pieces;
        private final byte[] silentFrame;
        private int piece;
        private long offset;
        private boolean open = true;

        private Stream(SampleFormat format, List<Piece> pieces) {
            this.format = format;
            this.pieces = pieces;
            this.silentFrame = io.wavestash.storage.wav.Pcm.silentFrame(format);
        }

        public SampleFormat format() {
            return format;
        }

        /** Total bytes the stream yields. */
        public long size() {
            return pieces.stream().mapToLong(Piece::bytes).sum();
        }

        public long frames() {
            return size() / format.frameBytes();
        }

        @Override
        public int read(ByteBuffer dst) {
            if (piece >= pieces.size()) {
                return -1;
            }
            int total = 0;
            while (dst.hasRemaining() && piece < pieces.size()) {
                Piece p = pieces.get(piece);
                int n = (int) Math.min(dst.remaining(), p.bytes() - offset);
                if (p.segment() == null) {
                    fillSilence(dst, offset, n);
                } else {
                    ByteBuffer part = dst.slice(dst.position(), n);
                    store.read(sensor, p.segment().sessionEpochMicros(), p.byteFrom() + offset, part);
                    dst.position(dst.position() + n);
                }
                total += n;
                offset += n;
                if (offset == p.bytes()) {
                    piece++;
                    offset = 0;
                }
            }
            return total;
        }

        /**
         * Writes the rest of the stream to {@code target} and returns how many bytes that was: what {@link #read}
         * would give, but a local store hands file bytes to a file without copying them through this process.
         */
        public long transferTo(WritableByteChannel target) throws IOException {
            long total = 0;
            ByteBuffer silence = null;
            for (; piece < pieces.size(); piece++, offset = 0) {
                Piece p = pieces.get(piece);
                long n = p.bytes() - offset;
                if (p.segment() != null) {
                    store.transferTo(sensor, p.segment().sessionEpochMicros(), p.byteFrom() + offset, n, target);
                    total += n;
                    continue;
                }
                if (silence == null) {
                    silence = ByteBuffer.allocate(SILENCE_BUFFER_BYTES);
                }
                while (offset < p.bytes()) {
                    int k = (int) Math.min(silence.capacity(), p.bytes() - offset);
                    silence.clear();
                    fillSilence(silence, offset, k);
                    silence.flip();
                    while (silence.hasRemaining()) {
                        target.write(silence);
                    }
                    offset += k;
                    total += k;
                }
            }
            return total;
        }

        private void fillSilence(ByteBuffer dst, long offsetInPiece, int n) {
            int at = (int) (offsetInPiece % silentFrame.length);
            for (int i = 0; i < n; i++) {
                dst.put(silentFrame[at]);
                at = at + 1 == silentFrame.length ? 0 : at + 1;
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
