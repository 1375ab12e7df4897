package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import io.wavestash.storage.wav.WavInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recordings made by sox, imported as two back-to-back sessions, then queried for windows that start and end
 * between samples, inside chunks, across chunk boundaries and across the sessions: the WAV written holds
 * exactly the bytes {@code sox ... trim Ns Ms} cuts for the same sample indices, in the stored format.
 */
class SoxParityTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final int CHUNK_FRAMES = 1000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} Hz {1}-bit {2} x{3}, layout {4}")
    @CsvSource({
        "16000, 16, signed-integer, 1, chunks",
        "48000, 24, signed-integer, 2, segments",
        "44100, 32, floating-point, 1, chunks",
        "8000, 8, unsigned-integer, 1, segments",
        "22050, 16, signed-integer, 4, chunks",
        "44100, 24, signed-integer, 4, segments"
    })
    void queriedWindowsEqualSoxTrim(int rate, int bits, String encoding, int channels, String layout) throws Exception {
        Path original = Sox.synth(dir.resolve("original.wav"), rate, bits, encoding, channels, 3.0);
        long total = Sox.infoOf(original).frames();
        long split = rate * 3L / 2; // 1.5 s: a whole number of microseconds at every rate here
        Path first = dir.resolve("first.wav");
        Path second = dir.resolve("second.wav");
        Sox.run(original.toString(), first.toString(), "trim", "0s", split + "s");
        Sox.run(original.toString(), second.toString(), "trim", split + "s");
        Path store = dir.resolve("store");
        Path config = dir.resolve("store.yaml");
        java.nio.file.Files.writeString(
                config, "store:\n  path: " + store + "\n  layout: " + layout + "\n  segmentSeconds: 1\n");
        Instant secondStart = T0.plusNanos(split * 1_000_000_000L / rate);
        assertThat(CliRun.inProcess(
                                "import",
                                first.toString(),
                                "--sensor",
                                "mic",
                                "--start",
                                T0.toString(),
                                "--chunk-frames",
                                "" + CHUNK_FRAMES,
                                "--config",
                                config.toString())
                        .exit())
                .isZero();
        assertThat(CliRun.inProcess(
                                "import",
                                second.toString(),
                                "--sensor",
                                "mic",
                                "--start",
                                secondStart.toString(),
                                "--chunk-frames",
                                "" + CHUNK_FRAMES,
                                "--config",
                                config.toString())
                        .exit())
                .isZero();

        List<long[]> windows = new ArrayList<>();
        windows.add(new long[] {0, total}); // everything
        windows.add(new long[] {10, 20}); // inside one chunk
        windows.add(new long[] {CHUNK_FRAMES - 3, CHUNK_FRAMES + 5}); // across a chunk boundary
        windows.add(new long[] {999, 4321}); // across several chunks
        windows.add(new long[] {split - 7, split + 11}); // across the two sessions
        windows.add(new long[] {split, split + 1}); // a single sample, first of the second session
        windows.add(new long[] {total - 1, total}); // the last sample
        for (long[] w : windows) {
            // half a sample period before each index: both ends fall between samples
            Instant from = at(w[0], rate, -0.5);
            Instant to = at(w[1], rate, -0.5);
            Path out = dir.resolve("window-" + w[0] + "-" + w[1] + ".wav");
            query(store, from, to, out);
            Bytes.assertSame(
                    Sox.dataOf(out), Sox.trim(original, w[0], w[1] - w[0], dir), "frames " + w[0] + ".." + w[1]);
            WavInfo written = Sox.infoOf(out);
            assertThat(written.format()).isEqualTo(Sox.infoOf(original).format());
        }
        // a window whose ends fall exactly on samples: from is included, to is not
        Instant from = at(100, rate, 0);
        Instant to = at(200, rate, 0);
        Path out = dir.resolve("exact.wav");
        query(store, from, to, out);
        long expectedFirst = -Math.floorDiv(-nanos(from) * rate, 1_000_000_000L);
        long expectedEnd = -Math.floorDiv(-nanos(to) * rate, 1_000_000_000L);
        Bytes.assertSame(
                Sox.dataOf(out), Sox.trim(original, expectedFirst, expectedEnd - expectedFirst, dir), "exact ends");
    }

    static void query(Path store, Instant from, Instant to, Path out) {
        CliRun run = CliRun.inProcess(
                "query",
                "--sensor",
                "mic",
                "--from",
                from.toString(),
                "--to",
                to.toString(),
                "--out",
                out.toString(),
                "--store",
                store.toString());
        assertThat(run.exit()).as(run.err()).isZero();
    }

    /** The instant of frame {@code index + offset} of the recording, rounded to the nanosecond. */
    static Instant at(long index, int rate, double offset) {
        double seconds = (index + offset) / rate;
        return T0.plusNanos(Math.round(seconds * 1e9));
    }

    static long nanos(Instant i) {
        return (i.getEpochSecond() - T0.getEpochSecond()) * 1_000_000_000L + i.getNano() - T0.getNano();
    }
}
