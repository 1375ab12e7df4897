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
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long read of one file per chunk, split into parts read side by side, fails whole when one file is lost. */
class ChunkFilesReadTest {
    private static final SensorId MIC = SensorId.of("mic");
    private static final long T0 = 1_763_632_800_000_000L;

    @TempDir
    Path dir;

    @Test
    void aChunkFileLostFromTheMiddleOfALongReadIsNamedAndNothingElseIsHarmed() throws Exception {
        StoreConfig config = new StoreConfig(
                dir, Layout.CHUNKS, "{sensor}/{session}/{block:014d}.pcm", Codec.RAW, FsyncPolicy.NEVER, 600, null);
        byte[] pcm = new byte[960 * 400];
        new Random(5).nextBytes(pcm);
        try (ChunkStore store = Stores.open(config, Stores.Access.WRITE)) {
            store.createSession(new SessionMeta(MIC, T0, SampleFormat.pcm(48_000, 16, 1), 480, "test"));
            for (int at = 0; at < pcm.length; at += 960) {
                store.write(MIC, T0, at, ByteBuffer.wrap(pcm, at, 960));
            }
            store.flush();
            ByteBuffer all = ByteBuffer.allocate(pcm.length);
            store.read(MIC, T0, 0, all);
            assertThat(all.array()).isEqualTo(pcm);

            String lost = String.format("%014d.pcm", 960L * 333);
            Files.delete(dir.resolve("mic").resolve(Long.toString(T0)).resolve(lost));
            assertThatThrownBy(() -> store.read(MIC, T0, 7, ByteBuffer.allocate(pcm.length - 14)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(lost)
                    .hasMessageContaining("missing from storage");
            ByteBuffer before = ByteBuffer.allocate(960 * 333 - 7);
            store.read(MIC, T0, 7, before);
            assertThat(before.array()).isEqualTo(Arrays.copyOfRange(pcm, 7, 960 * 333));
        }
    }
}
