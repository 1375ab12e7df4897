package io.wavestash.storage;

import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.persist.LocalPersister;
import io.wavestash.storage.persist.MemoryPersister;
import io.wavestash.storage.persist.RandomAccessPersister;
import io.wavestash.storage.persist.S3Persister;
import io.wavestash.storage.testing.S3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on every persister and layout (and both codecs of the chunk layout). */
class StoreContractTests {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    static S3Server s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Server.start("contract");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    /** The contract on a real S3 server, each test under a prefix of its own. */
    abstract static class OnS3 extends StoreContract {
        private final String prefix = "store" + PREFIXES.incrementAndGet() + "/";

        protected RandomAccessPersister newPersister() throws IOException {
            return S3Persister.open(s3.config("contract", prefix));
        }

        @Override
        protected void reopen() {
            store.close(); // closes the client: the next store gets one of its own, as another process would
            try {
                persister = newPersister();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            store = Stores.over(config(), persister);
        }
    }

    @Nested
    class ChunksOnS3 extends OnS3 {
        protected StoreConfig config() {
            return StoreContractTests.config(
                    Path.of("s3"), Layout.CHUNKS, Codec.RAW, "{sensor}/{session}/{block:014d}.pcm");
        }
    }

    @Nested
    class WavChunksOfADeviceOnS3 extends OnS3 {
        protected StoreConfig config() {
            return StoreContractTests.config(
                            Path.of("s3"),
                            Layout.CHUNKS,
                            Codec.WAV,
                            "{device}/{sensor}/{session:yyyy}/{session:MM}/{session}/{block:014d}.wav")
                    .withDevice("edge-1");
        }
    }

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
