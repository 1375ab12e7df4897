package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 24-hour window of a 48 kHz 16-bit mono sensor (8.3 GB, two sessions with a gap) exports from a JVM limited
 * to {@code -Xmx64m}, as RF64 on standard output, and every sample that comes out is the one stored.
 */
class DayLongWindowTest {
    static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
    static final int RATE = 48_000;
    static final long GAP_START_S = 40_000;
    static final long GAP_SECONDS = 600;

    @TempDir
    Path dir;

    /** The stored value of frame {@code n} of the session that starts {@code sessionSecond} into the day. */
    static short sample(long sessionSecond, long n) {
        long t = sessionSecond * RATE + n;
        return (short) (t * 2_654_435_761L >>> 17);
    }

    @Test
    void aDayExportsWithSixtyFourMegabytesOfHeap() throws Exception {
        Path root = dir.resolve("store");
        StoreConfig config = new StoreConfig(
                root, Layout.SEGMENTS, "{sensor}/{session}/{block:014d}.seg", Codec.RAW, FsyncPolicy.NEVER, 3600, null);
        SensorId sensor = SensorId.of("day");
        SampleFormat format = SampleFormat.pcm(RATE, 16, 1);
        long[][] sessions = {{0, GAP_START_S}, {GAP_START_S + GAP_SECONDS, 86_400}}; // [start s, end s) of the day
        try (ChunkStore store = Stores.open(config, Stores.Access.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(RATE * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (long[] s : sessions) {
                long start = Times.toEpochMicrosExact(DAY.plusSeconds(s[0]));
                store.createSession(new SessionMeta(sensor, start, format, RATE, "synthetic"));
                for (long second = 0; second < s[1] - s[0]; second++) {
                    chunk.clear();
                    for (int i = 0; i < RATE; i++) {
                        chunk.putShort(sample(s[0], second * RATE + i));
                    }
                    store.write(sensor, start, second * RATE * 2, chunk.flip());
                    if (second % 600 == 0) {
                        store.flush();
                    }
                }
            }
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "query",
                "--store",
                root.toString(),
                "--sensor",
                "day",
                "--from",
                DAY.toString(),
                "--to",
                DAY.plusSeconds(86_400).toString(),
                "--fill",
                "silence",
                "--out",
                "-"));
        Process p = new ProcessBuilder(command)
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        long frames;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 20))) {
            frames = checkWav(in);
        }
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue())
                .as(java.nio.file.Files.readString(dir.resolve("stderr.txt")))
                .isZero();
        assertThat(frames).isEqualTo(86_400L * RATE);
    }

    /** Reads the RF64 header and every sample; returns the frames read. */
    private static long checkWav(DataInputStream in) throws IOException {
        byte[] header = new byte[12 + 36 + 8 + 16 + 8];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(header, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RF64");
        assertThat(new String(header, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("ds64");
        long dataBytes = h.getLong(28);
        assertThat(dataBytes).isEqualTo(86_400L * RATE * 2);
        assertThat(new String(header, 48, 4, StandardCharsets.US_ASCII)).isEqualTo("fmt ");
        assertThat(h.getInt(60)).isEqualTo(RATE);
        assertThat(new String(header, 72, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
        byte[] block = new byte[RATE * 2];
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        long second = 0;
        for (; second < 86_400; second++) {
            readFully(in, block);
            boolean inGap = second >= GAP_START_S && second < GAP_START_S + GAP_SECONDS;
            long sessionStart = second < GAP_START_S ? 0 : GAP_START_S + GAP_SECONDS;
            for (int i = 0; i < RATE; i++) {
                short expected = inGap ? 0 : sample(sessionStart, (second - sessionStart) * RATE + i);
                if (b.getShort(i * 2) != expected) {
                    throw new AssertionError("sample " + i + " of second " + second + " is " + b.getShort(i * 2)
                            + ", expected " + expected);
                }
            }
        }
        assertThat(in.read()).isEqualTo(-1);
        return second * RATE;
    }

    private static void readFully(InputStream in, byte[] block) throws IOException {
        int at = 0;
        while (at < block.length) {
            int n = in.read(block, at, block.length - at);
            if (n < 0) {
                throw new AssertionError("the WAV ended early");
            }
            at += n;
        }
    }
}
