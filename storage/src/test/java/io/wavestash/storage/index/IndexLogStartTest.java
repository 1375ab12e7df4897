package io.wavestash.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.FsyncPolicy;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.persist.LocalPersister;
import io.wavestash.storage.persist.MemoryPersister;
import io.wavestash.storage.persist.RandomAccessPersister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sensor's index log is created with its header and first records in one write. A reader never sees a log
 * shorter than its header as records, and a log a crash left shorter than its header is written over.
 */
class IndexLogStartTest {
    private static final SensorId MIC = SensorId.of("mic");
    private static final long T0 = 1_763_632_800_000_000L;
    private static final String LOG = AvailabilityIndex.DIR + "mic.log";

    @TempDir
    Path dir;

    private RandomAccessPersister persister(String kind) throws IOException {
        return kind.equals("disk") ? new LocalPersister(dir, FsyncPolicy.NEVER) : new MemoryPersister();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "disk"})
    void aNewLogStartsWithItsHeaderAndItsFirstRecords(String kind) throws IOException {
        RandomAccessPersister persister = persister(kind);
        AvailabilityIndex writer = new AvailabilityIndex(persister);
        writer.addSession(meta(T0));
        writer.addChunk(MIC, T0, 0, 32);
        writer.flush();
        byte[] log = persister.read(LOG);
        assertThat(new String(Arrays.copyOf(log, 4), StandardCharsets.US_ASCII)).isEqualTo("WSIX");
        AvailabilityIndex reader = new AvailabilityIndex(persister);
        reader.refresh();
        assertThat(reader.sessions(MIC).get(T0).runs().endByte()).isEqualTo(32);

        writer.addChunk(MIC, T0, 32, 32); // appended after the first write
        writer.flush();
        reader.refresh();
        assertThat(reader.sessions(MIC).get(T0).runs().endByte()).isEqualTo(64);
        assertThat(persister.read(LOG)).startsWith(log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "disk"})
    void aLogTornShortOfItsHeaderIsSkippedByReadersAndWrittenOverByTheWriter(String kind) throws IOException {
        RandomAccessPersister persister = persister(kind);
        persister.write(LOG, ByteBuffer.wrap("WSIX\u0001\u0000\u0000".getBytes(StandardCharsets.US_ASCII)));
        AvailabilityIndex writer = new AvailabilityIndex(persister);
        writer.refresh(); // as a writer opening the store does
        AvailabilityIndex reader = new AvailabilityIndex(persister);
        reader.refresh();
        assertThat(reader.sensors()).isEmpty();

        writer.addSession(meta(T0));
        writer.addChunk(MIC, T0, 0, 32);
        writer.flush();
        reader.refresh();
        assertThat(reader.sessions(MIC).get(T0).runs().endByte()).isEqualTo(32);
        AvailabilityIndex fresh = new AvailabilityIndex(persister);
        fresh.refresh();
        assertThat(fresh.sessions(MIC).get(T0).meta()).isEqualTo(meta(T0));
        assertThat(fresh.sessions(MIC).get(T0).runs().endByte()).isEqualTo(32);
    }

    private static SessionMeta meta(long start) {
        return new SessionMeta(MIC, start, SampleFormat.pcm(16_000, 16, 1), 16, "test");
    }
}
