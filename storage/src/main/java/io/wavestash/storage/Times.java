package io.wavestash.storage;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Exact conversions between instants and sample indices. A sample {@code n} of a session that started at
 * {@code s} with rate {@code r} lies at {@code s + n / r}; all arithmetic is done on integers so that no
 * rate (44.1 kHz included) rounds a sample into or out of a window.
 */
public final class Times {
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
    /** Session starts are kept from 1970 to 9999. */
    private static final long MAX_EPOCH_MICROS = 253_402_300_799_999_999L;

    private Times() {}

    /** Nanoseconds since the epoch, exact. */
    public static BigInteger epochNanos(Instant instant) {
        return BigInteger.valueOf(instant.getEpochSecond())
                .multiply(NANOS_PER_SECOND)
                .add(BigInteger.valueOf(instant.getNano()));
    }

    public static Instant ofEpochMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** Microseconds since the epoch; throws if the instant has finer digits than microseconds. */
    public static long toEpochMicrosExact(Instant instant) {
        if (instant.getNano() % 1_000 != 0) {
            throw new IllegalArgumentException(
                    "session start " + instant + " has sub-microsecond digits; sessions are kept to the microsecond");
        }
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    public static long requireSessionStart(long startEpochMicros) {
        if (startEpochMicros < 0 || startEpochMicros > MAX_EPOCH_MICROS) {
            throw new IllegalArgumentException(
                    "session start " + startEpochMicros + " µs is outside 1970-01-01..9999-12-31");
        }
        return startEpochMicros;
    }

    /**
     * The smallest sample index {@code n} with {@code start + n / rate >= at}; may be negative.
     * Sample {@code n} is in {@code [from, to)} iff {@code firstIndexAtOrAfter(from) <= n < firstIndexAtOrAfter(to)}.
     */
    public static long firstIndexAtOrAfter(long startEpochMicros, int sampleRateHz, Instant at) {
        BigInteger offsetNanos =
                epochNanos(at).subtract(BigInteger.valueOf(startEpochMicros).multiply(BigInteger.valueOf(1_000)));
        BigInteger scaled = offsetNanos.multiply(BigInteger.valueOf(sampleRateHz));
        BigInteger[] qr = scaled.divideAndRemainder(NANOS_PER_SECOND);
        BigInteger ceil = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return clampToLong(ceil);
    }

    /** The instant of sample {@code index}, rounded down to the nanosecond. */
    public static Instant instantOf(long startEpochMicros, int sampleRateHz, long index) {
        BigInteger nanos = BigInteger.valueOf(startEpochMicros)
                .multiply(BigInteger.valueOf(1_000))
                .add(floorDiv(BigInteger.valueOf(index).multiply(NANOS_PER_SECOND), BigInteger.valueOf(sampleRateHz)));
        BigInteger[] qr = floorDivMod(nanos, NANOS_PER_SECOND);
        return Instant.ofEpochSecond(qr[0].longValueExact(), qr[1].longValueExact());
    }

    /** The number of whole sample periods of rate {@code rate} between two instants, rounded to nearest. */
    public static long roundedFrames(Instant from, Instant to, int sampleRateHz) {
        BigInteger scaled = epochNanos(to).subtract(epochNanos(from)).multiply(BigInteger.valueOf(sampleRateHz));
        BigInteger doubled = scaled.shiftLeft(1).add(NANOS_PER_SECOND);
        return clampToLong(floorDiv(doubled, NANOS_PER_SECOND.shiftLeft(1)));
    }

    /** Parses ISO-8601 ({@code 2026-11-20T10:00:00.125Z}, offsets allowed) or epoch milliseconds. */
    public static Instant parseInstant(String text) {
        String t = text == null ? "" : text.trim();
        if (t.matches("-?\\d{1,18}")) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(t, Instant::from);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text
                    + "' is not an instant: expected ISO-8601 such as 2026-11-20T10:00:00.125Z, or epoch milliseconds");
        }
    }

    private static BigInteger floorDiv(BigInteger a, BigInteger b) {
        return floorDivMod(a, b)[0];
    }

    private static BigInteger[] floorDivMod(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        if (qr[1].signum() < 0) {
            qr[0] = qr[0].subtract(BigInteger.ONE);
            qr[1] = qr[1].add(b);
        }
        return qr;
    }

    private static long clampToLong(BigInteger value) {
        if (value.bitLength() < 63) {
            return value.longValue();
        }
        return value.signum() > 0 ? Long.MAX_VALUE / 4 : Long.MIN_VALUE / 4;
    }
}
