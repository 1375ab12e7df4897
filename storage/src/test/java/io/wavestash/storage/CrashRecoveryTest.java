package io.wavestash.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A writer that dies with the store open leaves it readable: the index is rebuilt from the chunks. */
class CrashRecoveryTest {
    static final SensorId MIC = SensorId.of("mic");
    static final long START = 1_795_168_800_000_000L;

    @TempDir
    Path dir;

    static StoreConfig config(Path root, Layout layout) {
        return new StoreConfig(
                root,
                layout,
                layout == Layout.SEGMENTS
                        ? "{sensor}/{session}/{block:014d}.seg"
                        : "{sensor}/{session}/{block:014d}.pcm",
                Codec.RAW,
                FsyncPolicy.NEVER,
                60,
                null);
    }

    /**
     * Run as a separate process: writes 25 chunks and halts without closing or flushing the index. With a third
     * argument {@code replayed}, it says it would replay what it did not flush, flushes after 10 chunks, and
     * publishes the rest (as a writer with a journal does).
     */
    public static void main(String[] args) {
        StoreConfig config = config(Path.of(args[0]), Layout.valueOf(args[1]));
        boolean replayed = args.length > 2 && args[2].equals("replayed");
        ChunkStore store = Stores.open(config, Stores.Access.WRITE);
        if (replayed) {
            store.replayedUntilFlush();
        }
        store.createSession(new SessionMeta(MIC, START, SampleFormat.pcm(8000, 16, 1), 800, "crash"));
        for (int i = 0; i < 25; i++) {
            store.write(MIC, START, i * 1600L, ByteBuffer.wrap(chunk(i)));
            if (replayed && i == 9) {
                store.flush();
            }
        }
        if (replayed) {
            store.publish();
        }
        Runtime.getRuntime().halt(137);
    }

    private Path crashWriter(Layout layout, String... extra) throws Exception {
        Path root = dir.resolve(layout.name());
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashRecoveryTest.class.getName(),
                root.toString(),
                layout.name()));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
        assertThat(root.resolve("@wavestash/dirty")).exists();
        return root;
    }

    static byte[] chunk(int i) {
        byte[] b = new byte[1600];
        java.util.Arrays.fill(b, (byte) i);
        return b;
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void chunksOfADeadWriterAreFoundAgain(Layout layout) throws Exception {
        Path root = crashWriter(layout);

        try (ChunkStore reader = Stores.open(config(root, layout), Stores.Access.READ)) {
            assertThat(reader.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(25 * 1600);
        }
        try (ChunkStore writer = Stores.open(config(root, layout), Stores.Access.WRITE)) {
            ByteBuffer dst = ByteBuffer.allocate(1600);
            writer.read(MIC, START, 24 * 1600L, dst);
            assertThat(dst.array()).isEqualTo(chunk(24));
        }
        assertThat(root.resolve("@wavestash/dirty")).doesNotExist();
        try (ChunkStore reader = Stores.open(config(root, layout), Stores.Access.READ)) {
            assertThat(reader.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(25 * 1600);
        }
    }

    /**
     * A writer that replays what it did not flush keeps a segment's range records until the flush: after its crash
     * the store holds exactly what it flushed, whole, and takes the rest when it is written again.
     */
    @Test
    void aReplayingWriterLeavesWhatItFlushed() throws Exception {
        Path root = crashWriter(Layout.SEGMENTS, "replayed");
        try (ChunkStore writer = Stores.open(config(root, Layout.SEGMENTS), Stores.Access.WRITE)) {
            writer.replayedUntilFlush();
            assertThat(writer.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(10 * 1600);
            for (int i = 0; i < 25; i++) {
                writer.write(MIC, START, i * 1600L, ByteBuffer.wrap(chunk(i)));
            }
        }
        try (ChunkStore reader = Stores.open(config(root, Layout.SEGMENTS), Stores.Access.READ)) {
            assertThat(reader.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(25 * 1600);
            assertThat(reader.reindex()).isEmpty();
            assertThat(reader.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(25 * 1600);
            for (int i = 0; i < 25; i++) {
                ByteBuffer dst = ByteBuffer.allocate(1600);
                reader.read(MIC, START, i * 1600L, dst);
                assertThat(dst.array()).as("chunk %d", i).isEqualTo(chunk(i));
            }
        }
        assertThat(idxBytes(root)).as("one 16-byte range record a chunk").isEqualTo(25 * 16);
    }

    /** Held back, the range records are written by the flush (of both segments a batch touched), none before it. */
    @Test
    void rangeRecordsWaitForTheFlush() throws Exception {
        Path root = dir.resolve("held");
        try (ChunkStore writer = Stores.open(config(root, Layout.SEGMENTS), Stores.Access.WRITE)) {
            writer.replayedUntilFlush();
            writer.createSession(new SessionMeta(MIC, START, SampleFormat.pcm(8000, 16, 1), 800, "held"));
            // 8000 Hz 16-bit: a 60 s segment is 960,000 bytes, so chunk 600 (at byte 960,000) opens a second one
            for (int i = 595; i < 605; i++) {
                writer.write(MIC, START, i * 1600L, ByteBuffer.wrap(chunk(i)));
            }
            writer.publish();
            assertThat(idxBytes(root)).isZero();
            writer.flush();
            assertThat(idxBytes(root)).isEqualTo(10 * 16);
            writer.write(MIC, START, 605 * 1600L, ByteBuffer.wrap(chunk(605)));
            assertThat(idxBytes(root)).isEqualTo(10 * 16);
        }
        assertThat(idxBytes(root)).as("closing flushes").isEqualTo(11 * 16);
        try (ChunkStore writer = Stores.open(config(root, Layout.SEGMENTS), Stores.Access.WRITE)) {
            writer.replayedUntilFlush();
            writer.write(MIC, START, 606 * 1600L, ByteBuffer.wrap(chunk(606)));
            writer.deleteSession(MIC, START);
            writer.flush();
            assertThat(idxBytes(root))
                    .as("a deleted session's records are dropped")
                    .isZero();
        }
    }

    private static long idxBytes(Path root) throws java.io.IOException {
        if (!Files.isDirectory(root.resolve("mic"))) {
            return 0;
        }
        try (var files = Files.walk(root.resolve("mic"))) {
            return files.filter(p -> p.toString().endsWith(".idx"))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    @Test
    void oneWriterAtATime() {
        Path root = dir.resolve("locked");
        try (ChunkStore first = Stores.open(config(root, Layout.CHUNKS), Stores.Access.WRITE)) {
            assertThatThrownBy(() -> Stores.open(config(root, Layout.CHUNKS), Stores.Access.WRITE))
                    .hasMessageContaining("being written by another process");
            try (ChunkStore reader = Stores.open(config(root, Layout.CHUNKS), Stores.Access.READ)) {
                assertThat(reader.sensors()).isEmpty();
            }
        }
    }

    @Test
    void aReaderSeesWhatAWriterFlushes() throws Exception {
        Path root = dir.resolve("live");
        try (ChunkStore writer = Stores.open(config(root, Layout.SEGMENTS), Stores.Access.WRITE);
                ChunkStore reader = Stores.open(config(root, Layout.SEGMENTS), Stores.Access.READ)) {
            writer.createSession(new SessionMeta(MIC, START, SampleFormat.pcm(8000, 16, 1), 800, "live"));
            writer.write(MIC, START, 0, ByteBuffer.wrap(chunk(1)));
            writer.flush();
            reader.refresh();
            assertThat(reader.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(1600);
            writer.write(MIC, START, 1600, ByteBuffer.wrap(chunk(2)));
            writer.flush();
            reader.refresh();
            assertThat(reader.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(3200);
            writer.reindex();
            reader.refresh();
            assertThat(reader.sessions(MIC).get(START).runs().presentBytes()).isEqualTo(3200);
        }
        assertThat(Files.list(root.resolve("@wavestash/index"))
                        .map(p -> p.getFileName().toString())
                        .toList())
                .isEqualTo(List.of("mic.log"));
    }
}
