package io.wavestash.playback;

import be.tarsos.dsp.resample.Resampler;
import io.wavestash.ingest.dsp.PcmFloats;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.Times;
import io.wavestash.storage.query.Segment;
import io.wavestash.storage.query.SensorWindow;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Several sensors' windows on one sample grid: output frame {@code k} is the instant {@code from + k / rate}. Each
 * segment (contiguous samples of one session) is placed at the grid frame nearest its first sample's instant, as
 * its session clock puts it, and resampled with TarsosDSP so that it ends at the frame nearest its last sample's
 * end; where its rate is the grid's, its samples are copied as they are. Between segments, and for a sensor with
 * nothing in the window, the grid holds silence. Memory is bounded: samples are read and resampled a block at a
 * time, in order.
 */
public final class AlignedWindow implements AutoCloseable {
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private final Instant from;
    private final Instant to;
    private final int rate;
    private final long frames;
    private final List<Track> tracks = new ArrayList<>();
    private long position;

    /** Aligns {@code windows} (all of the same {@code [from, to)}) on a grid of {@code rate} Hz. */
    public AlignedWindow(List<SensorWindow> windows, int rate) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("no sensors to align");
        }
        if (rate < 1 || rate > SampleFormat.MAX_SAMPLE_RATE_HZ) {
            throw new IllegalArgumentException(
                    "rate " + rate + " Hz is out of range 1.." + SampleFormat.MAX_SAMPLE_RATE_HZ);
        }
        this.from = windows.get(0).from();
        this.to = windows.get(0).to();
        this.rate = rate;
        this.frames = gridFrames(from, to, rate);
        for (SensorWindow w : windows) {
            tracks.add(new Track(w));
        }
    }

    /** Grid points {@code from + k / rate} in {@code [from, to)}. */
    static long gridFrames(Instant from, Instant to, int rate) {
        BigInteger scaled =
                Times.epochNanos(to).subtract(Times.epochNanos(from)).multiply(BigInteger.valueOf(rate));
        BigInteger[] qr = scaled.divideAndRemainder(NANOS_PER_SECOND);
        return (qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0]).longValueExact();
    }

    /** The grid frame nearest an instant. */
    long frameAt(Instant t) {
        return Times.roundedFrames(from, t, rate);
    }

    public int rate() {
        return rate;
    }

    /** Frames on the grid, that is, in the window. */
    public long frames() {
        return frames;
    }

    /** Channels of all sensors together, in sensor order. */
    public int channels() {
        return tracks.stream().mapToInt(t -> t.channels).sum();
    }

    /** The channel count of each sensor, in order. */
    public int[] sensorChannels() {
        return tracks.stream().mapToInt(t -> t.channels).toArray();
    }

    /** The windows aligned, in order. */
    public List<SensorWindow> windows() {
        return tracks.stream().map(t -> t.window).toList();
    }

    /**
     * The next {@code count} grid frames (fewer at the end; 0 when done): {@code out[c][i]} for channel {@code c}
     * of all sensors' channels, in [-1, 1].
     */
    public int read(float[][] out, int count) {
        int n = (int) Math.min(count, frames - position);
        if (n <= 0) {
            return 0;
        }
        int channel = 0;
        for (Track t : tracks) {
            t.render(position, n, out, channel);
            channel += t.channels;
        }
        position += n;
        return n;
    }

    /** Grid frames {@code [first, end)}. */
    public record Frames(long first, long end) {}

    /** The stretches of the grid where at least one sensor has samples, in order, merged, within the window. */
    public List<Frames> covered() {
        List<Span> all = new ArrayList<>();
        for (Track t : tracks) {
            all.addAll(t.spans);
        }
        all.sort(Comparator.comparingLong(Span::first));
        List<Frames> out = new ArrayList<>();
        for (Span s : all) {
            long first = Math.max(0, s.first());
            long end = Math.min(frames, s.end());
            if (end <= first) {
                continue;
            }
            Frames last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && first <= last.end()) {
                out.set(out.size() - 1, new Frames(last.first(), Math.max(last.end(), end)));
            } else {
                out.add(new Frames(first, end));
            }
        }
        return out;
    }

    /** Grid frames handed out so far. */
    public long position() {
        return position;
    }

    @Override
    public void close() {
        for (Track t : tracks) {
            if (t.source != null) {
                t.source.close();
            }
        }
    }

    /** A segment's place on the grid: frames {@code [first, end)}. */
    private record Span(Segment segment, long first, long end) {}

    /** One sensor: its segments in order, read from one stream of its samples. */
    private final class Track {
        private static final int BLOCK_FRAMES = 4096;

        final SensorWindow window;
        final int channels;
        final SampleFormat format;
        final SensorWindow.Stream source;
        final List<Span> spans = new ArrayList<>();
        final PcmFloats decode;
        final byte[] bytes;
        final float[] interleaved;
        final float[][] input;
        int span = -1;
        /** Frames of the current segment not yet read from the source. */
        long unread;
        /** Output frames of the current segment already made (kept or dropped). */
        long made;

        Resampler[] resamplers;
        double factor;
        float[][] pending;
        int pendingFrom;
        int pendingTo;

        Track(SensorWindow window) {
            this.window = window;
            this.format = window.isEmpty() ? null : window.format();
            this.channels = format == null ? 1 : format.channels();
            this.source = format == null ? null : window.samples();
            this.decode = format == null ? null : new PcmFloats(format);
            this.bytes = new byte[BLOCK_FRAMES * (format == null ? 1 : format.frameBytes())];
            this.interleaved = new float[BLOCK_FRAMES * channels];
            this.input = new float[channels][BLOCK_FRAMES];
            if (format != null) {
                for (Segment s : window.segments()) {
                    spans.add(new Span(s, frameAt(s.start()), frameAt(s.end())));
                }
            }
        }

        /** Writes grid frames {@code [at, at + n)} into {@code out[channel..channel + channels)}. */
        void render(long at, int n, float[][] out, int channel) {
            int i = 0;
            while (i < n) {
                long k = at + i;
                if (span >= spans.size()) {
                    fillSilence(out, channel, i, n);
                    return;
                }
                if (span < 0 || k >= spans.get(span).end()) {
                    if (!advanceTo(k)) {
                        fillSilence(out, channel, i, n);
                        return;
                    }
                }
                Span s = spans.get(span);
                if (k < s.first()) {
                    int silent = (int) Math.min(n - i, s.first() - k);
                    fillSilence(out, channel, i, i + silent);
                    i += silent;
                    continue;
                }
                // frames of the segment before k were made for a part of the grid a previous segment took
                while (made < k - s.first()) {
                    int drop = (int) Math.min(BLOCK_FRAMES, k - s.first() - made);
                    produce(null, channel, 0, drop);
                }
                int take = (int) Math.min(n - i, s.end() - k);
                produce(out, channel, i, take);
                i += take;
            }
        }

        /** Moves to the segment holding grid frame {@code k} or the next one after it; false when none is left. */
        private boolean advanceTo(long k) {
            while (true) {
                if (span >= 0) {
                    skipUnread();
                }
                if (span + 1 >= spans.size()) {
                    span = spans.size();
                    return false;
                }
                span++;
                Span s = spans.get(span);
                unread = s.segment().frames();
                made = 0;
                long outFrames = s.end() - s.first();
                factor = (double) outFrames / s.segment().frames();
                boolean copy = s.segment().format().sampleRateHz() == rate
                        && outFrames == s.segment().frames();
                resamplers = null;
                pendingFrom = pendingTo = 0;
                if (!copy && outFrames > 0) {
                    resamplers = new Resampler[channels];
                    for (int c = 0; c < channels; c++) {
                        resamplers[c] = new Resampler(true, factor, factor);
                    }
                    int capacity = (int) Math.ceil(BLOCK_FRAMES * factor) + BLOCK_FRAMES;
                    if (pending == null || pending[0].length < capacity) {
                        pending = new float[channels][capacity];
                    }
                }
                if (s.end() > k) {
                    return true;
                }
            }
        }

        /** Reads past what is left of the current segment in the source. */
        private void skipUnread() {
            while (unread > 0) {
                readSource((int) Math.min(BLOCK_FRAMES, unread));
            }
        }

        /**
         * Makes the segment's next {@code count} output frames, into {@code out} at {@code offset} (or drops them
         * for a null {@code out}).
         */
        private void produce(float[][] out, int channel, int offset, int count) {
            made += count;
            if (resamplers == null) {
                int done = 0;
                while (done < count) {
                    int n = (int) Math.min(Math.min(BLOCK_FRAMES, count - done), unread);
                    if (n <= 0) {
                        if (out != null) {
                            fillSilence(out, channel, offset + done, offset + count);
                        }
                        return;
                    }
                    readSource(n);
                    if (out != null) {
                        for (int c = 0; c < channels; c++) {
                            System.arraycopy(input[c], 0, out[channel + c], offset + done, n);
                        }
                    }
                    done += n;
                }
                return;
            }
            int done = 0;
            while (done < count) {
                if (pendingFrom == pendingTo && !refill()) {
                    if (out != null) {
                        fillSilence(out, channel, offset + done, offset + count); // the resampler fell short
                    }
                    return;
                }
                int n = Math.min(count - done, pendingTo - pendingFrom);
                if (out != null) {
                    for (int c = 0; c < channels; c++) {
                        System.arraycopy(pending[c], pendingFrom, out[channel + c], offset + done, n);
                    }
                }
                pendingFrom += n;
                done += n;
            }
        }

        /** Resamples the next block of the segment; false when it has nothing more to give. */
        private boolean refill() {
            boolean last;
            int n;
            if (unread > 0) {
                n = (int) Math.min(BLOCK_FRAMES, unread);
                readSource(n);
                last = unread == 0;
            } else {
                n = 0;
                last = true;
            }
            int generated = Integer.MAX_VALUE;
            for (int c = 0; c < channels; c++) {
                int consumed = 0;
                int made = 0;
                while (true) {
                    Resampler.Result r = resamplers[c].process(
                            factor, input[c], consumed, n - consumed, last, pending[c], made, pending[c].length - made);
                    consumed += r.inputSamplesConsumed;
                    made += r.outputSamplesGenerated;
                    if (r.inputSamplesConsumed == 0 && r.outputSamplesGenerated == 0 || consumed >= n && !last) {
                        break;
                    }
                }
                generated = Math.min(generated, made);
            }
            pendingFrom = 0;
            pendingTo = generated;
            return generated > 0 || unread > 0;
        }

        /** Reads {@code n} frames of the current segment into {@code input}. */
        private void readSource(int n) {
            ByteBuffer dst = ByteBuffer.wrap(bytes, 0, n * format.frameBytes());
            while (dst.hasRemaining()) {
                if (source.read(dst) < 0) {
                    throw new IllegalStateException(
                            "the store returned fewer samples than its index lists for " + window.sensor());
                }
            }
            decode.decode(bytes, 0, interleaved, n * channels);
            for (int f = 0, at = 0; f < n; f++) {
                for (int c = 0; c < channels; c++) {
                    input[c][f] = interleaved[at++];
                }
            }
            unread -= n;
        }

        private void fillSilence(float[][] out, int channel, int fromIndex, int toIndex) {
            for (int c = 0; c < channels; c++) {
                Arrays.fill(out[channel + c], fromIndex, toIndex, 0f);
            }
        }
    }
}
