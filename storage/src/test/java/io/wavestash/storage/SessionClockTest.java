package io.wavestash.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class SessionClockTest {
    private static final long T0 = 1_763_632_800_123_456L;

    @Property(tries = 300)
    void firstIndexAtOrAfterInvertsInstantOfThroughAnyAnchors(
            @ForAll @IntRange(min = 8_000, max = 192_000) int rate,
            @ForAll @IntRange(min = 0, max = 6) int anchorCount,
            @ForAll @IntRange(min = -500, max = 500) int ppm,
            @ForAll @LongRange(min = 0, max = 4_000_000_000L) long frame,
            @ForAll @LongRange(min = -2_000_000, max = 2_000_000) long jitterNanos) {
        List<long[]> anchors = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < anchorCount; i++) {
            at += rate * 7L + i * 911L;
            long nominalNanos = at * 1_000_000_000L / rate;
            anchors.add(new long[] {at, nominalNanos / 1_000_000 * ppm + (i % 2 == 0 ? jitterNanos : -jitterNanos)});
        }
        SessionClock clock = SessionClock.anchored(T0, rate, anchors);
        Instant t = clock.instantOf(frame);
        assertThat(clock.firstIndexAtOrAfter(t)).isEqualTo(frame);
        assertThat(clock.instantOf(frame + 1)).isAfter(t);
        assertThat(clock.firstIndexAtOrAfter(t.plusNanos(1))).isEqualTo(frame + 1);
    }

    @Property(tries = 100)
    void withoutAnchorsTheClockIsNominal(
            @ForAll @IntRange(min = 1, max = 384_000) int rate,
            @ForAll @LongRange(min = -1_000, max = 1L << 40) long frame) {
        SessionClock clock = SessionClock.nominal(T0, rate);
        assertThat(clock.instantOf(frame)).isEqualTo(Times.instantOf(T0, rate, frame));
        Instant t = Times.instantOf(T0, rate, frame).plusNanos(3);
        assertThat(clock.firstIndexAtOrAfter(t)).isEqualTo(Times.firstIndexAtOrAfter(T0, rate, t));
        assertThat(clock.driftPpm()).isZero();
    }
}
