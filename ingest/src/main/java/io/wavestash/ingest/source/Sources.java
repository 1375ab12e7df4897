package io.wavestash.ingest.source;

import java.math.BigInteger;
import java.time.Duration;

/** Small helpers the sources share. */
public final class Sources {
    private Sources() {}

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
