package io.wavestash.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A source's clock as the tracker reads it: chunks of 100 ms at 48 kHz arriving at times the test sets, readings every
 * 10 s (the default), anchors within 1 ms.
 */
class ClockTrackerTest {
    private static final int RATE = 48_000;
    private static final long CHUNK = 4_800;
    private static final long MS = 1_000_000L;

    /** Feeds {@code seconds} of chunks; {@code arrival} gives each chunk's arrival (ns after the start) by end frame. */
    private static List<long[]> feed(ClockTracker tracker, int seconds, LongUnaryOperator arrival) {
        List<long[]> anchors = new ArrayList<>();
        for (long end = CHUNK; end <= (long) seconds * RATE; end += CHUNK) {
            ClockTracker.Reading r = tracker.observe(end, arrival.applyAsLong(end));
            if (r.anchorFrame() > 0) {
                anchors.add(new long[] {r.anchorFrame(), r.anchorOffsetNanos()});
            }
        }
        return anchors;
    }

    private static ClockTracker tracker() {
        return new ClockTracker(RATE, 0, 10L * RATE, MS, 0);
    }

    /** Nominal instant of a frame, plus a line latency of 5 ms and a jitter of up to 3 ms on most chunks. */
    private static long onTime(long frame, double ppm) {
        long nominal = ClockTracker.nominalNanos(frame, RATE);
        long jitter = (frame / CHUNK) % 4 == 0 ? 0 : ((frame / CHUNK) * 7919 % 3_000_000);
        return nominal + Math.round(nominal * ppm * 1e-6) + 5 * MS + jitter;
    }

    /** There are anchors, and each is within the tolerance (1 ms) of a clock {@code ppm} slow at its frame. */
    private static void assertAnchorsFollow(List<long[]> anchors, double ppm) {
        assertThat(anchors).isNotEmpty();
        for (long[] a : anchors) {
            long expected = Math.round(ClockTracker.nominalNanos(a[0], RATE) * ppm * 1e-6);
            assertThat(a[1]).as("drift at frame %d", a[0]).isCloseTo(expected, offset(MS));
        }
    }

    @Test
    void aSteadyDriftIsAnchoredFromTheStart() {
        ClockTracker tracker = tracker();
        // the sample clock runs 200 ppm slow: its samples arrive later and later, 0.2 ms a second
        List<long[]> anchors = feed(tracker, 120, f -> onTime(f, 200));

        assertThat(tracker.unclocked()).isFalse();
        assertAnchorsFollow(anchors, 200);
    }

    /**
     * Every chunk of the first 1.5 s is held up (the machine stalls as a thousand sources start), then all arrive on
     * time; the clock runs 200 ppm slow. A stall of 400 ms looked like no clock at all; one of 100 ms was anchored as
     * a clock running 100 ms fast.
     */
    @ParameterizedTest
    @ValueSource(longs = {100, 400})
    void aFirstSecondLateThroughoutIsTakenAgain(long stallMs) {
        ClockTracker tracker = tracker();
        List<long[]> anchors = feed(tracker, 120, f -> f <= 72_000 ? onTime(f, 200) + stallMs * MS : onTime(f, 200));

        assertThat(tracker.unclocked()).isFalse();
        assertAnchorsFollow(anchors, 200);
        // and the excess lateness of a chunk on time is about its jitter, not the stall
        assertThat(tracker.excessNanos(121L * RATE, onTime(121L * RATE, 200))).isBetween(-4 * MS, 4 * MS);
    }

    @Test
    void aSourceFasterThanRealTimeHasNoClock() {
        ClockTracker tracker = tracker();
        // a file read ten times as fast as it plays
        feed(tracker, 60, f -> ClockTracker.nominalNanos(f, RATE) / 10 + MS);

        assertThat(tracker.unclocked()).isTrue();
    }

    @Test
    void aSourceFivePercentSlowHasNoClock() {
        ClockTracker tracker = tracker();
        feed(tracker, 60, f -> onTime(f, 50_000));

        assertThat(tracker.unclocked()).isTrue();
    }
}
