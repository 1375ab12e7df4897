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

    /** Run as a separate process: writes chunks and halts without closing or flushing the index. */
    public static void main(String[] args) {
        StoreConfig config = config(Path.of(args[0]), Layout.valueOf(args[1]));
        ChunkStore store = Stores.open(config, Stores.Access.WRITE);
        store.createSession(new SessionMeta(MIC, START, SampleFormat.pcm(8000, 16, 1), 800, "crash"));
        for (int i = 0; i < 25; i++) {
            store.write(MIC, START, i * 1600L, ByteBuffer.wrap(chunk(i)));
        }
        Runtime.getRuntime().halt(137);
    }

    static byte[] chunk(int i) {
        byte[] b = new byte[1600];
        java.util.Arrays.fill(b, (byte) i);
        return b;
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void chunksOfADeadWriterAreFoundAgain(Layout layout) throws Exception {
        Path root = dir.resolve(layout.name());
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashRecoveryTest.class.getName(),
                        root.toString(),
                        layout.name())
                .inheritIO()
                .start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
        assertThat(root.resolve("@wavestash/dirty")).exists();

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
