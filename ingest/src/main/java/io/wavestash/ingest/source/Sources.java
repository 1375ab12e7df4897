package io.wavestash.ingest.source;

import io.wavestash.storage.Times;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Small helpers the sources share. */
public final class Sources {
    private Sources() {}

    /** Frames in a chunk of {@code chunkMs} milliseconds at {@code rate}, at least one. */
    public static int chunkFrames(int rate, int chunkMs) {
        return (int) Math.max(1, (long) rate * chunkMs / 1000);
    }

    /** A session start in epoch microseconds: {@code start}, or the clock's now when it is null. */
    static long sessionStart(Instant start, Clock clock) {
        return Times.toEpochMicrosExact((start != null ? start : clock.instant()).truncatedTo(ChronoUnit.MICROS));
    }

    /** Frames in {@code length} of audio at {@code rate}, rounded to the nearest frame. */
    public static long frames(Duration length, int rate) {
        BigInteger nanos = BigInteger.valueOf(length.getSeconds())
                .multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(length.getNano()));
        return nanos.multiply(BigInteger.valueOf(rate))
                .add(BigInteger.valueOf(500_000_000L))
                .divide(BigInteger.valueOf(1_000_000_000L))
                .longValueExact();
    }
}
