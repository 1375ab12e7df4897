package io.wavestash.storage;

import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.persist.LocalPersister;
import io.wavestash.storage.persist.MemoryPersister;
import io.wavestash.storage.persist.RandomAccessPersister;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on every persister and layout (and both codecs of the chunk layout). */
class StoreContractTests {
    static StoreConfig config(Path root, Layout layout, Codec codec, String template) {
        return new StoreConfig(root, layout, template, codec, FsyncPolicy.BATCH, 1, null);
    }

    @Nested
    class ChunksInMemory extends StoreContract {
        protected RandomAccessPersister newPersister() {
            return new MemoryPersister();
        }

        protected StoreConfig config() {
            return StoreContractTests.config(
                    Path.of("mem"), Layout.CHUNKS, Codec.RAW, "{sensor}/{session}/{block:014d}.pcm");
        }
    }

    @Nested
    class SegmentsInMemory extends StoreContract {
        protected RandomAccessPersister newPersister() {
            return new MemoryPersister();
        }

        protected StoreConfig config() {
            return StoreContractTests.config(
                    Path.of("mem"), Layout.SEGMENTS, Codec.RAW, "{sensor}/{session:iso}/{block:014d}.seg");
        }
    }

    @Nested
    class ChunksOnDisk extends StoreContract {
        @TempDir
        Path dir;

        protected RandomAccessPersister newPersister() throws IOException {
            return new LocalPersister(dir, FsyncPolicy.BATCH);
        }

        protected StoreConfig config() {
            return StoreContractTests.config(dir, Layout.CHUNKS, Codec.RAW, "{session}/data/{sensor}/data/{block}");
        }
    }

    @Nested
    class WavChunksOnDisk extends StoreContract {
        @TempDir
        Path dir;

        protected RandomAccessPersister newPersister() throws IOException {
            return new LocalPersister(dir, FsyncPolicy.NEVER);
        }

        protected StoreConfig config() {
            return StoreContractTests.config(
                    dir, Layout.CHUNKS, Codec.WAV, "{sensor}/{session:yyyy}/{session:MM}/{session}/{block:014d}.wav");
        }
    }

    @Nested
    class SegmentsOnDisk extends StoreContract {
        @TempDir
        Path dir;

        protected RandomAccessPersister newPersister() throws IOException {
            return new LocalPersister(dir, FsyncPolicy.CHUNK);
        }

        protected StoreConfig config() {
            return StoreContractTests.config(dir, Layout.SEGMENTS, Codec.RAW, "{sensor}/{session}/{block:014d}.seg");
        }
    }
}
