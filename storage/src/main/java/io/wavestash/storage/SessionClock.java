package io.wavestash.storage;

import java.time.Instant;
import java.util.List;

/**
 * Maps a session's sample positions to instants. Nominally sample {@code n} is at {@code start + n / rate}. A
 * capture whose sample clock runs fast or slow against the wall clock records timing anchors: at frame
 * {@code f} the wall clock was {@code offset} nanoseconds away from the nominal instant. Between anchors the
 * offset is interpolated linearly, from the session start (offset 0) on, and after the last anchor it goes on
 * with the last slope. A session without anchors is exactly nominal.
 */
public final class SessionClock {

    private final long startEpochMicros;
    private final int rate;
    /** Anchor frames, strictly increasing, all positive; index 0 is the session start (0, 0). */
    private final long[] frames;
    /** Wall minus nominal at each anchor frame, in nanoseconds. */
    private final long[] offsets;

    private SessionClock(long startEpochMicros, int rate, long[] frames, long[] offsets) {
        this.startEpochMicros = startEpochMicros;
        this.rate = rate;
        this.frames = frames;
        this.offsets = offsets;
    }

    public static SessionClock nominal(long startEpochMicros, int sampleRateHz) {
        return new SessionClock(startEpochMicros, sampleRateHz, new long[] {0}, new long[] {0});
    }

    /** A clock through {@code anchors}: pairs {frame, offset nanoseconds}, ordered by frame. */
    public static SessionClock anchored(long startEpochMicros, int sampleRateHz, List<long[]> anchors) {
        long[] frames = new long[anchors.size() + 1];
        long[] offsets = new long[anchors.size() + 1];
        int n = 1;
        for (long[] a : anchors) {
            if (a[0] > frames[n - 1]) {
                frames[n] = a[0];
                offsets[n] = a[1];
                n++;
            }
        }
        return new SessionClock(
                startEpochMicros,
                sampleRateHz,
                java.util.Arrays.copyOf(frames, n),
                java.util.Arrays.copyOf(offsets, n));
    }

    public boolean isNominal() {
        return frames.length == 1;
    }

    /** Wall minus nominal at frame {@code frame}, in nanoseconds (rounded down). */
    public long offsetNanos(long frame) {
        if (frame <= 0 || frames.length == 1) {
            return 0;
        }
        int i = java.util.Arrays.binarySearch(frames, frame);
        if (i >= 0) {
            return offsets[i];
        }
        int after = -i - 1;
        int a = after < frames.length ? after - 1 : frames.length - 2;
        int b = a + 1;
        double slope = (double) (offsets[b] - offsets[a]) / (frames[b] - frames[a]);
        return offsets[a] + (long) Math.floor(slope * (frame - frames[a]));
    }

    /** The instant of sample {@code frame}, rounded down to the nanosecond. */
    public Instant instantOf(long frame) {
        Instant nominal = Times.instantOf(startEpochMicros, rate, frame);
        long offset = offsetNanos(frame);
        return offset == 0 ? nominal : nominal.plusNanos(offset);
    }

    /**
     * The smallest sample index {@code n} with {@code instantOf(n) >= at}; may be negative (before the
     * session, where the clock is nominal).
     */
    public long firstIndexAtOrAfter(Instant at) {
        long n = Times.firstIndexAtOrAfter(startEpochMicros, rate, at);
        if (frames.length == 1 || n <= 0) {
            return n;
        }
        // the offset changes by parts per million of the time: a few rounds settle it, then step to the exact
        for (int round = 0; round < 4; round++) {
            long next = Math.max(0, Times.firstIndexAtOrAfter(startEpochMicros, rate, at.minusNanos(offsetNanos(n))));
            if (next == n) {
                break;
            }
            n = next;
        }
        while (n > 0 && !instantOf(n - 1).isBefore(at)) {
            n--;
        }
        while (instantOf(n).isBefore(at)) {
            n++;
        }
        return n;
    }

    /** Number of anchors (the session start not counted). */
    public int anchors() {
        return frames.length - 1;
    }

    /** The offset at the last anchor, in nanoseconds: how far the sample clock had drifted then. */
    public long lastOffsetNanos() {
        return offsets[offsets.length - 1];
    }

    /** Frame of the last anchor (0 without anchors). */
    public long lastAnchorFrame() {
        return frames[frames.length - 1];
    }

    /**
     * The wall clock's rate against the sample clock's, in parts per million, over the session up to its last
     * anchor: positive when the sample clock is slow (fewer samples per wall second than nominal).
     */
    public double driftPpm() {
        long last = lastAnchorFrame();
        return last == 0 ? 0 : lastOffsetNanos() * 1e6 / (last * 1e9 / rate);
    }
}
