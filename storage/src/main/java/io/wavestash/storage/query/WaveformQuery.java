package io.wavestash.storage.query;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionClock;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.SessionEntry;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Rebuilds the samples of a half-open window {@code [from, to)}: sample {@code i} of a session belongs iff
 * {@code from <= start + i / rate < to}, exactly, or iff its instant through the session's timing anchors is
 * in the window when capture recorded any (see {@link SessionClock}). Sessions of a sensor that overlap in time (its clock was
 * stepped back) are resolved by start: a session's samples end where the next session (by start instant)
 * begins, so every instant has at most one sample source.
 */
public final class WaveformQuery {
    private final ChunkStore store;

    public WaveformQuery(ChunkStore store) {
        this.store = store;
    }

    /** The window of several sensors (all of them when {@code sensors} is empty), in sensor order. */
    public List<SensorWindow> windows(Collection<SensorId> sensors, Instant from, Instant to) {
        checkRange(from, to);
        store.refresh();
        Collection<SensorId> which = sensors.isEmpty() ? store.sensors() : sensors;
        if (which.isEmpty()) {
            throw new QueryException("the store holds no sensors");
        }
        List<SensorWindow> out = new ArrayList<>();
        for (SensorId sensor : which) {
            out.add(plan(sensor, from, to));
        }
        return out;
    }

    /** The window of one sensor, {@code [from, to)}. */
    public SensorWindow window(SensorId sensor, Instant from, Instant to) {
        checkRange(from, to);
        store.refresh();
        return plan(sensor, from, to);
    }

    private SensorWindow plan(SensorId sensor, Instant from, Instant to) {
        NavigableMap<Long, SessionEntry> sessions = store.sessions(sensor);
        if (sessions.isEmpty()) {
            throw new QueryException("unknown sensor '" + sensor + "'" + knownSensors());
        }
        List<Segment> segments = new ArrayList<>();
        BigInteger fromNanos = Times.epochNanos(from);
        BigInteger toNanos = Times.epochNanos(to);
        for (Map.Entry<Long, SessionEntry> e : sessions.entrySet()) {
            long start = e.getKey();
            BigInteger startNanos = BigInteger.valueOf(start).multiply(BigInteger.valueOf(1000));
            if (startNanos.compareTo(toNanos) >= 0) {
                break;
            }
            Map.Entry<Long, SessionEntry> next = sessions.higherEntry(start);
            Instant effectiveTo = to;
            if (next != null) {
                Instant nextStart = Times.ofEpochMicros(next.getKey());
                effectiveTo = nextStart.isBefore(to) ? nextStart : to;
            }
            SessionEntry entry = e.getValue();
            SampleFormat format = entry.meta().format();
            SessionClock clock = entry.clock();
            long first = Math.max(0, clock.firstIndexAtOrAfter(from));
            long end = Math.min(entry.endFrame(), clock.firstIndexAtOrAfter(effectiveTo));
            if (first >= end) {
                continue;
            }
            int fb = format.frameBytes();
            for (long[] range : entry.runs().presentRanges(first * fb, end * fb)) {
                segments.add(new Segment(sensor, start, format, range[0] / fb, (range[1] - range[0]) / fb, clock));
            }
        }
        return new SensorWindow(sensor, from, to, segments, gaps(from, to, segments, sessions), store);
    }

    /**
     * Gaps on the grid of the neighbouring segments: only whole sample periods count. A gap is {@code dropped}
     * when capture recorded a dropout there, {@code not_recorded} otherwise.
     */
    private static List<Gap> gaps(
            Instant from, Instant to, List<Segment> segments, NavigableMap<Long, SessionEntry> sessions) {
        List<Gap> gaps = new ArrayList<>();
        if (segments.isEmpty()) {
            boolean dropped = sessions.values().stream().anyMatch(e -> overlapsDropout(e, from, to));
            gaps.add(new Gap(from, to, 0, dropped ? Gap.Reason.DROPPED : Gap.Reason.NOT_RECORDED));
            return gaps;
        }
        Segment first = segments.get(0);
        long leading = SensorWindow.leadingFrames(from, first);
        if (leading > 0) {
            gaps.add(gap(from, first.start(), leading, sessions, first));
        }
        for (int i = 1; i < segments.size(); i++) {
            Segment a = segments.get(i - 1);
            Segment b = segments.get(i);
            long frames = SensorWindow.framesBetween(a, b);
            if (frames > 0) {
                gaps.add(gap(a.end(), b.start(), frames, sessions, a, b));
            }
        }
        Segment last = segments.get(segments.size() - 1);
        long trailing = SensorWindow.trailingFrames(last, to);
        if (trailing > 0) {
            gaps.add(gap(last.end(), to, trailing, sessions, last));
        }
        return gaps;
    }

    private static Gap gap(
            Instant start, Instant end, long frames, NavigableMap<Long, SessionEntry> sessions, Segment... neighbours) {
        for (Segment s : neighbours) {
            if (overlapsDropout(sessions.get(s.sessionEpochMicros()), start, end)) {
                return new Gap(start, end, frames, Gap.Reason.DROPPED);
            }
        }
        return new Gap(start, end, frames, Gap.Reason.NOT_RECORDED);
    }

    /** Whether a dropout of the session lies in {@code [start, end)}. */
    private static boolean overlapsDropout(SessionEntry entry, Instant start, Instant end) {
        if (entry == null || entry.dropouts().isEmpty()) {
            return false;
        }
        SampleFormat f = entry.meta().format();
        SessionClock clock = entry.clock();
        long a = Math.max(0, clock.firstIndexAtOrAfter(start));
        long b = Math.max(0, clock.firstIndexAtOrAfter(end));
        return a < b && entry.dropouts().overlaps(a * f.frameBytes(), b * f.frameBytes());
    }

    private String knownSensors() {
        List<String> names =
                store.sensors().stream().map(SensorId::value).limit(20).toList();
        return names.isEmpty() ? "; the store holds no sensors" : "; known sensors: " + String.join(", ", names);
    }

    private static void checkRange(Instant from, Instant to) {
        if (from == null || to == null) {
            throw new QueryException("a window needs both --from and --to");
        }
        if (!from.isBefore(to)) {
            throw new QueryException(
                    "empty window: from " + from + " is not before to " + to + " (windows are [from, to))");
        }
    }
}
