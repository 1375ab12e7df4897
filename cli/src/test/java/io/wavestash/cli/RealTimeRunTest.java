package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.testing.Sox;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three looping mock sensors of different formats recorded in real time for several minutes by the daemon
 * process: what they capture is queryable within a second, every chunk is stored gapless and byte-identical,
 * and SIGTERM loses nothing. The length is {@code -Dwavestash.realTimeRunSeconds} (180 by default).
 */
class RealTimeRunTest {
    private static final int SECONDS = Integer.getInteger("wavestash.realTimeRunSeconds", 180);

    @TempDir
    Path dir;

    @Test
    void threeSensorsForMinutesEveryChunkStoredGaplessAndQueryableWithinASecond() throws Exception {
        Map<String, Path> files = Map.of(
                "voice", Sox.synth(dir.resolve("voice.wav"), 16_000, 16, "signed-integer", 1, 7.3),
                "chirp", Sox.synth(dir.resolve("chirp.wav"), 48_000, 24, "signed-integer", 2, 5.1),
                "hum", Sox.synth(dir.resolve("hum.wav"), 44_100, 32, "floating-point", 1, 3.7));
        Path config = Files.writeString(
                dir.resolve("long.yaml"),
                """
                store: {path: store, layout: segments}
                sensors:
                  - {id: voice, source: wav, file: voice.wav, loop: true, chunkMs: 100}
                  - {id: chirp, source: wav, file: chirp.wav, loop: true, chunkMs: 20}
                  - {id: hum, source: wav, file: hum.wav, loop: true, chunkMs: 250}
                """);
        Path store = dir.resolve("store");
        Process daemon = CliRun.startDaemon(
                dir, config, ProcessBuilder.Redirect.to(dir.resolve("out.txt").toFile()));
        CliRun.awaitRecording(daemon, dir.resolve("out.txt")); // the minutes count from there, not the JVM's start
        long started = System.nanoTime();
        List<Double> lags = new ArrayList<>();
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(SECONDS)) {
            Thread.sleep(5_000);
            assertThat(daemon.isAlive())
                    .as(Files.readString(dir.resolve("err.txt")))
                    .isTrue();
            lags.add(worstLagSeconds(store, files.keySet()));
        }
        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(daemon.exitValue())
                .as(out + Files.readString(dir.resolve("err.txt")))
                .isZero();
        assertThat(lags).as("seconds from capture to queryable, every 5 s").allMatch(lag -> lag < 1.0);

        try (ChunkStore s = Stores.open(Stores.existing(store).orElseThrow(), Stores.Access.READ)) {
            for (var e : files.entrySet()) {
                byte[] pcm = Sox.dataOf(e.getValue());
                SessionEntry session =
                        s.sessions(SensorId.of(e.getKey())).values().iterator().next();
                assertThat(s.sessions(SensorId.of(e.getKey()))).hasSize(1);
                List<long[]> present = session.runs().presentRanges(0, Long.MAX_VALUE);
                assertThat(present).as(e.getKey() + " is gapless").hasSize(1);
                long bytes = present.get(0)[1];
                double seconds = (double) bytes
                        / session.meta().format().frameBytes()
                        / session.meta().format().sampleRateHz();
                assertThat(seconds).as(e.getKey() + " seconds recorded").isGreaterThan(SECONDS - 5.0);
                assertThat(session.dropouts().isEmpty()).isTrue();
                ByteBuffer all = ByteBuffer.allocate((int) bytes);
                s.read(SensorId.of(e.getKey()), session.meta().startEpochMicros(), 0, all);
                for (int i = 0; i < bytes; i++) {
                    if (all.get(i) != pcm[i % pcm.length]) {
                        throw new AssertionError(e.getKey() + ": byte " + i + " is not what was recorded");
                    }
                }
                assertThat(out)
                        .contains(e.getKey() + ": " + session.runs().chunks().size() + " chunks");
            }
        }
        System.out.printf(
                "real-time run: %d s, 3 sensors, worst capture-to-queryable lag %.3f s%n",
                SECONDS, lags.stream().mapToDouble(d -> d).max().orElse(0));
    }

    /** For each sensor, now minus the capture time of its newest stored sample, as a reader sees it. */
    private static double worstLagSeconds(Path store, Iterable<String> sensors) {
        Instant now = Instant.now();
        double worst = 0;
        try (ChunkStore s = Stores.open(Stores.existing(store).orElseThrow(), Stores.Access.READ)) {
            for (String sensor : sensors) {
                SessionEntry session =
                        s.sessions(SensorId.of(sensor)).values().iterator().next();
                List<long[]> present = session.runs().presentRanges(0, Long.MAX_VALUE);
                long end = present.isEmpty() ? 0 : present.get(present.size() - 1)[1];
                double capturedUntil = session.meta().startEpochMicros() / 1e6
                        + (double) end
                                / session.meta().format().frameBytes()
                                / session.meta().format().sampleRateHz();
                double nowSeconds = now.getEpochSecond() + now.getNano() / 1e9;
                worst = Math.max(worst, nowSeconds - capturedUntil);
            }
        }
        return worst;
    }
}
