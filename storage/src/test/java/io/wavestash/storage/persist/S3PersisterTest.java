package io.wavestash.storage.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wavestash.config.S3Config;
import io.wavestash.storage.testing.S3Server;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The persister contract on a real S3 server, and the errors a bad bucket configuration gets. */
class S3PersisterTest extends PersisterContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    static S3Server server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3Server.start("contract");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected RandomAccessPersister create() throws IOException {
        // each test in a prefix of its own: the same bucket, nothing shared
        return S3Persister.open(server.config("contract", "t" + STORES.incrementAndGet() + "/"));
    }

    @Override
    protected boolean writesInPlace() {
        return false;
    }

    @Test
    void keysAreTheObjectNamesUnderThePrefix() throws IOException {
        persister.write("mic/2026/a.pcm", bytes("pcm"));
        S3Config config = ((S3Persister) persister).config();
        assertThat(server.count("contract", config.prefix() + "mic/2026/a.pcm")).isEqualTo(1);
        assertThat(server.count("contract", config.prefix())).isEqualTo(1);
    }

    @Test
    void aReaderInAnotherProcessSeesAppendsAndFoldsWhole() throws IOException {
        S3Config config = ((S3Persister) persister).config();
        String log = "@wavestash/index/mic.log";
        try (S3Persister reader = S3Persister.open(config)) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 200; i++) { // folds three times on the way
                String record = String.format("%04d|", i);
                persister.append(log, bytes(record));
                expected.append(record);
                if (i % 37 == 0) {
                    assertThat(new String(reader.read(log), StandardCharsets.UTF_8))
                            .isEqualTo(expected.toString());
                }
            }
            assertThat(reader.size(log)).isEqualTo(expected.length());
            assertThat(server.count("contract", config.prefix() + log)).isLessThanOrEqualTo(65);
        }
    }

    @Test
    void objectsCannotBeWrittenInPlace() throws IOException {
        persister.write("x", bytes("0123"));
        assertThatThrownBy(() -> persister.writeAt("x", 2, bytes("ab")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("x at byte 2")
                .hasMessageContaining("written whole");
        assertThatThrownBy(() -> persister.append("x", bytes("ab")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot append to x");
        assertThat(new String(persister.read("x"), StandardCharsets.UTF_8)).isEqualTo("0123");
    }

    @Test
    void wrongCredentialsAreNamed() {
        S3Config good = server.config("contract", "");
        S3Config wrong = new S3Config(
                good.endpoint(), good.region(), good.bucket(), "", good.accessKey(), "not-the-secret", true, 5, 0);
        assertThatThrownBy(() -> S3Persister.open(wrong))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("s3://contract/ at " + server.endpoint())
                .hasMessageContaining("access denied")
                .hasMessageContaining("secret key")
                .hasMessageNotContaining("not-the-secret");
    }

    @Test
    void aMissingBucketIsNamed() {
        S3Config good = server.config("contract", "");
        S3Config missing = new S3Config(
                good.endpoint(), good.region(), "no-such-bucket", "", good.accessKey(), good.secretKey(), true, 5, 0);
        assertThatThrownBy(() -> S3Persister.open(missing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bucket 'no-such-bucket' does not exist");
    }

    @Test
    void anUnreachableEndpointIsNamed() throws IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        S3Config good = server.config("contract", "");
        S3Config nowhere = new S3Config(
                URI.create("http://127.0.0.1:" + closed),
                good.region(),
                "contract",
                "",
                good.accessKey(),
                good.secretKey(),
                true,
                5,
                0);
        long started = System.nanoTime();
        assertThatThrownBy(() -> S3Persister.open(nowhere))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("http://127.0.0.1:" + closed)
                .hasMessageContaining("unreachable");
        assertThat(System.nanoTime() - started).isLessThan(30_000_000_000L);
    }

    @Test
    void listingPagesThroughManyObjects() throws IOException {
        for (int i = 0; i < 1_100; i++) {
            persister.write("many/" + i, ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        List<String> keys = new ArrayList<>();
        persister.list("many/", o -> keys.add(o.key()));
        assertThat(keys).hasSize(1_100).doesNotHaveDuplicates();
    }
}
