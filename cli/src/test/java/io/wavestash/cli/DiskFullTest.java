package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.query.Gap;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WaveformQuery;
import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon on a disk that fills up: a small tmpfs holds the store and the journal while a live (dropping)
 * sensor records 3 MB/s. The daemon keeps running, counts what it could not keep as dropouts, never shows a
 * reader a partial or wrong chunk, and records again by itself once space is freed.
 */
class DiskFullTest {
    private static final long FILLER_BYTES = 40L << 20;

    @TempDir
    Path dir;

    Path disk;

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            new ProcessBuilder("umount", disk.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void survivesAFullDiskKeepsNothingCorruptAndRecoversWhenSpaceReturns() throws Exception {
        disk = Files.createDirectories(dir.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=100m", "tmpfs", disk.toString())
                .redirectErrorStream(true)
                .start();
        boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!mounted) {
            disk = null;
        }
        Assumptions.assumeTrue(mounted, "mounting a small tmpfs needs root");

        Path filler = disk.resolve("filler.bin");
        Files.write(filler, new byte[(int) FILLER_BYTES]);
        Path wav = Sox.synth(dir.resolve("live.wav"), 192_000, 32, "signed-integer", 4, 1.0);
        byte[] pcm = Sox.dataOf(wav);
        Path config = Files.writeString(
                dir.resolve("full.yaml"),
                """
                store: {path: %s, layout: segments}
                sensors:
                  - {id: live, source: wav, file: live.wav, loop: true, chunkMs: 100, backpressure: drop}
                """
                        .formatted(disk.resolve("store")));
        Path err = dir.resolve("err.txt");
        Process daemon = CliRun.startDaemon(
                dir, config, ProcessBuilder.Redirect.to(dir.resolve("out.txt").toFile()));

        awaitLog(daemon, err, "the journal's disk is full");
        Thread.sleep(1_000);
        assertThat(daemon.isAlive())
                .as("the daemon keeps running on a full disk")
                .isTrue();
        assertEveryVisibleChunkIsWhole(disk.resolve("store"), pcm);

        Files.delete(filler);
        awaitLog(daemon, err, "the journal's disk has room again");
        Thread.sleep(1_000);
        daemon.destroy();
        assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(daemon.exitValue())
                .as("dropouts make the exit status 3: " + out)
                .isEqualTo(3);

        long frames = assertEveryVisibleChunkIsWhole(disk.resolve("store"), pcm);
        try (ChunkStore store =
                Stores.open(Stores.existing(disk.resolve("store")).orElseThrow(), Stores.Access.READ)) {
            SessionEntry session =
                    store.sessions(SensorId.of("live")).values().iterator().next();
            SensorWindow window = new WaveformQuery(store)
                    .window(
                            SensorId.of("live"),
                            Times.ofEpochMicros(session.meta().startEpochMicros()),
                            Instant.now().plusSeconds(60));
            assertThat(window.gaps()).anyMatch(g -> g.reason() == Gap.Reason.DROPPED);
            long dropped = window.gaps().stream()
                    .filter(g -> g.reason() == Gap.Reason.DROPPED)
                    .mapToLong(Gap::frames)
                    .sum();
            long droppedEnd =
                    session.dropouts().all().stream().mapToLong(r -> r[1]).max().orElse(0);
            long end = session.endFrame();
            // every frame of the session is either stored or marked dropped: nothing vanished unexplained
            assertThat(window.recordedFrames() + dropped).isEqualTo(end);
            assertThat(window.recordedFrames()).isEqualTo(frames);
            // recording went on after the disk had room again
            long lastDropEnd = droppedEnd / session.meta().format().frameBytes();
            assertThat(end - lastDropEnd).as("frames recorded after recovery").isGreaterThan(192_000 / 2);
            System.out.printf(
                    "disk full: %d frames stored, %d frames dropped while the disk was full, recorded again after%n",
                    window.recordedFrames(), dropped);
        }
    }

    private static void awaitLog(Process daemon, Path err, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(err) && Files.readString(err).contains(line)) {
                return;
            }
            assertThat(daemon.isAlive()).as("daemon alive; " + read(err)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' in 90 s: " + read(err));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /** Reads every stored chunk and checks it is the looping recording's bytes; returns the frames stored. */
    private static long assertEveryVisibleChunkIsWhole(Path root, byte[] pcm) {
        long bytes = 0;
        int frame = 16;
        try (ChunkStore store = Stores.open(Stores.existing(root).orElseThrow(), Stores.Access.READ)) {
            for (SessionEntry session : store.sessions(SensorId.of("live")).values()) {
                for (ChunkRuns.Chunk chunk : session.runs().chunks()) {
                    ByteBuffer dst = ByteBuffer.allocate(chunk.length());
                    store.read(SensorId.of("live"), session.meta().startEpochMicros(), chunk.block(), dst);
                    if (!Arrays.equals(dst.array(), Bytes.looped(pcm, chunk.block(), chunk.length()))) {
                        throw new AssertionError("chunk at byte " + chunk.block() + " is not what was recorded");
                    }
                    bytes += chunk.length();
                }
            }
        }
        return bytes / frame;
    }
}
