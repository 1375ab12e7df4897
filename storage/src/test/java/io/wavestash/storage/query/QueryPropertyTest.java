package io.wavestash.storage.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SampleFormat.Encoding;
import io.wavestash.storage.SampleFormat.Endian;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.StoreContract;
import io.wavestash.storage.Stores;
import io.wavestash.storage.testing.Bytes;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * For random recordings, chunkings, dropped chunks, session splits and windows, the query equals slicing the
 * original samples by the definition: frame i of a session belongs iff from <= start + i / rate < to.
 */
class QueryPropertyTest {
    private static final SensorId SENSOR = SensorId.of("s");
    private static final int[] RATES = {8_000, 11_025, 16_000, 22_050, 44_100, 48_000, 96_000};
    private static final long T0_NANOS = 1_763_632_800_000_000_000L;

    @Property(tries = 300)
    void queryEqualsSlicingTheOriginal(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
        Random random = new Random(seed);
        SampleFormat format = randomFormat(random);
        int fb = format.frameBytes();
        Layout layout = random.nextBoolean() ? Layout.CHUNKS : Layout.SEGMENTS;
        Codec codec = layout == Layout.CHUNKS && random.nextBoolean() ? Codec.WAV : Codec.RAW;
        StoreConfig config = new StoreConfig(
                Path.of("mem"),
                layout,
                layout == Layout.CHUNKS ? "{sensor}/{session}/{block}" : "{sensor}/{session}/{block}.seg",
                codec,
                FsyncPolicy.NEVER,
                1,
                null);
        try (ChunkStore store = Stores.memory(config)) {
            // sessions one after another, each starting some whole microseconds after the previous one ends
            List<long[]> expectedFrames = new ArrayList<>(); // {sessionStartMicros, frameIndex, offsetInPcm}
            List<byte[]> sessionsPcm = new ArrayList<>();
            List<Long> starts = new ArrayList<>();
            long startMicros = T0_NANOS / 1000 + random.nextInt(1_000_000);
            int sessions = 1 + random.nextInt(3);
            for (int s = 0; s < sessions; s++) {
                int frames = 1 + random.nextInt(3000);
                byte[] pcm = new byte[frames * fb];
                random.nextBytes(pcm);
                int chunkFrames = 1 + random.nextInt(700);
                SessionMeta meta = new SessionMeta(SENSOR, startMicros, format, chunkFrames, "property");
                store.createSession(meta);
                boolean[] present = new boolean[frames];
                for (int at = 0; at < frames; at += chunkFrames) {
                    int n = Math.min(chunkFrames, frames - at);
                    if (random.nextInt(5) == 0) {
                        continue; // a dropped chunk
                    }
                    store.write(SENSOR, startMicros, (long) at * fb, ByteBuffer.wrap(pcm, at * fb, n * fb));
                    for (int i = at; i < at + n; i++) {
                        present[i] = true;
                    }
                }
                for (int i = 0; i < frames; i++) {
                    if (present[i]) {
                        expectedFrames.add(new long[] {startMicros, i, s});
                    }
                }
                sessionsPcm.add(pcm);
                starts.add(startMicros);
                long durationMicros = (long) frames * 1_000_000 / format.sampleRateHz() + 1;
                startMicros += durationMicros + random.nextInt(3) * random.nextInt(200_000);
            }
            store.flush();
            long spanNanos = (startMicros - starts.get(0)) * 1000;
            long fromNanos =
                    starts.get(0) * 1000 - 50_000_000 + (long) (random.nextDouble() * (spanNanos + 100_000_000));
            long toNanos =
                    fromNanos + 1 + (long) (random.nextDouble() * random.nextDouble() * (spanNanos + 100_000_000));
            Instant from = Instant.ofEpochSecond(0, 0).plusNanos(fromNanos);
            Instant to = Instant.ofEpochSecond(0, 0).plusNanos(toNanos);

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (long[] f : expectedFrames) {
                if (inWindow(f[0], f[1], format.sampleRateHz(), fromNanos, toNanos)) {
                    expected.write(sessionsPcm.get((int) f[2]), (int) f[1] * fb, fb);
                }
            }
            SensorWindow window = new WaveformQuery(store).window(SENSOR, from, to);
            if (expected.size() == 0) {
                assertThat(window.isEmpty()).isTrue();
                return;
            }
            Bytes.assertSame(
                    StoreContract.drain(window.samples()),
                    expected.toByteArray(),
                    format.describe() + " " + layout + "/" + codec + " window [" + from + ", " + to + ") segments "
                            + window.segments());
            long gapFrames = window.gaps().stream().mapToLong(Gap::frames).sum();
            SensorWindow.Stream filled = window.filled();
            assertThat(filled.frames()).isEqualTo(window.recordedFrames() + gapFrames);
            assertThat(StoreContract.drain(filled)).hasSize((int) filled.size());
        }
    }

    /** The definition, computed with exact integers independently of the code under test. */
    private static boolean inWindow(long startMicros, long frame, int rate, long fromNanos, long toNanos) {
        // t = start + frame / rate, compared as t * rate in nanoseconds
        BigInteger tTimesRate = BigInteger.valueOf(startMicros)
                .multiply(BigInteger.valueOf(1000L * rate))
                .add(BigInteger.valueOf(frame).multiply(BigInteger.valueOf(1_000_000_000L)));
        BigInteger fromTimesRate = BigInteger.valueOf(fromNanos).multiply(BigInteger.valueOf(rate));
        BigInteger toTimesRate = BigInteger.valueOf(toNanos).multiply(BigInteger.valueOf(rate));
        return tTimesRate.compareTo(fromTimesRate) >= 0 && tTimesRate.compareTo(toTimesRate) < 0;
    }

    private static SampleFormat randomFormat(Random random) {
        int rate = RATES[random.nextInt(RATES.length)];
        int channels = 1 + random.nextInt(4);
        return switch (random.nextInt(7)) {
            case 0 -> new SampleFormat(rate, 8, channels, Encoding.UNSIGNED, Endian.LITTLE);
            case 1 -> new SampleFormat(rate, 16, channels, Encoding.SIGNED, Endian.LITTLE);
            case 2 -> new SampleFormat(rate, 24, channels, Encoding.SIGNED, Endian.LITTLE);
            case 3 -> new SampleFormat(rate, 32, channels, Encoding.SIGNED, Endian.BIG);
            case 4 -> new SampleFormat(rate, 32, channels, Encoding.FLOAT, Endian.LITTLE);
            case 5 -> new SampleFormat(rate, 16, channels, Encoding.UNSIGNED, Endian.BIG);
            default -> new SampleFormat(rate, 8, channels, Encoding.SIGNED, Endian.LITTLE);
        };
    }
}
