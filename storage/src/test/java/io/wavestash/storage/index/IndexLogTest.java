package io.wavestash.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.FsyncPolicy;
import io.wavestash.storage.ChunkLevel;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.persist.LocalPersister;
import io.wavestash.storage.persist.MemoryPersister;
import io.wavestash.storage.persist.RandomAccessPersister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sensor's index log. It is created with its header and first records in one write: a reader never takes a log
 * shorter than its header for records, and a log a crash left shorter than its header is written over. A
 * recorder's log grows by two records per chunk; its writer rewrites it as runs, summaries and packed levels.
 * Whoever reads the log afterwards, from the start or while tailing it, sees what the writer holds.
 */
class IndexLogTest {
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
    void aCompactedLogReadsAsTheRecordsItReplaced(String kind) throws IOException {
        RandomAccessPersister persister = persister(kind);
        AvailabilityIndex writer = new AvailabilityIndex(persister);
        AvailabilityIndex tailing = new AvailabilityIndex(persister);
        Random random = new Random(7);
        List<long[]> levelsWritten = new ArrayList<>(); // {session, block} in the order recorded
        List<Float> dbfsWritten = new ArrayList<>();
        long appended = 0;
        long deleted = T0 - 60_000_000L;
        writer.addSession(meta(deleted, 1600));
        writer.addChunk(MIC, deleted, 0, 3200);
        for (int s = 0; s < 4; s++) {
            long session = T0 + s * 3_600_000_000L;
            writer.addSession(meta(session, 16));
            int chunks = 9_001;
            for (int i = 0; i < chunks; i++) {
                if (i % 1000 == 999) {
                    continue; // a missing chunk: a gap, and a run ends
                }
                // the last chunk of a session is short; every fifth level is silent
                int length = i == chunks - 1 ? 10 : 32;
                long block = i * 32L;
                float dbfs = -10f - random.nextInt(80);
                writer.addChunk(MIC, session, block, length, new ChunkLevel(dbfs, i % 5 == 0));
                levelsWritten.add(new long[] {session, block});
                dbfsWritten.add(dbfs);
                appended += 59;
            }
            writer.addDropout(MIC, session, 32L * 999, 32L * 1000);
            writer.addAnchor(MIC, session, 100_000, 1_500_000);
            writer.addAnchor(MIC, session, 200_000, 2_500_000);
            writer.flush();
            if (s == 0) {
                tailing.refresh(); // a reader that has read the log as first written
            }
        }
        writer.removeSession(MIC, deleted);
        writer.flush();

        assertThat(persister.size(LOG))
                .as("compacted: under an eighth of the %d bytes of chunk and level records appended", appended)
                .isLessThan(appended / 8);
        tailing.refresh();
        AvailabilityIndex fresh = new AvailabilityIndex(persister);
        fresh.refresh();
        for (AvailabilityIndex reader : List.of(fresh, tailing)) {
            assertSameSessions(reader, writer);
            List<long[]> levelsRead = new ArrayList<>();
            List<Float> dbfsRead = new ArrayList<>();
            for (long session : writer.sessions(MIC).keySet()) {
                reader.forEachLevel(MIC, session, r -> {
                    levelsRead.add(new long[] {r.session(), r.block()});
                    dbfsRead.add(r.level().dbfs());
                });
            }
            assertThat(levelsRead).containsExactlyElementsOf(levelsWritten);
            assertThat(dbfsRead).containsExactlyElementsOf(dbfsWritten);
        }

        // records appended after a compaction are read after what it wrote
        long session = T0 + 4 * 3_600_000_000L;
        writer.addSession(meta(session, 16));
        writer.addChunk(MIC, session, 0, 32, new ChunkLevel(-3f, false));
        writer.addChunk(MIC, T0, 32L * 999, 32); // fills the first gap of the first session
        writer.flush();
        tailing.refresh();
        AvailabilityIndex later = new AvailabilityIndex(persister);
        later.refresh();
        assertSameSessions(later, writer);
        assertSameSessions(tailing, writer);
        assertThat(later.sessions(MIC).get(T0).runs().runs()).hasSize(9);
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

    /**
     * A reader following the logs of many sensors reads those that grew, and only what they grew by: a log that
     * did not change costs it no read. A log replaced by another file is read again from its header.
     */
    @org.junit.jupiter.api.Test
    void aReaderReadsOnlyTheLogsThatChangedAndReadsAReplacedLogFromItsHeader() throws IOException {
        // the reader's persister is its own, as in a process of its own
        AvailabilityIndex writer = new AvailabilityIndex(new LocalPersister(dir, FsyncPolicy.NEVER));
        CountingReads persister = new CountingReads(new LocalPersister(dir, FsyncPolicy.NEVER));
        List<SensorId> sensors = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SensorId sensor = SensorId.of("s" + i);
            sensors.add(sensor);
            writer.addSession(new SessionMeta(sensor, T0, SampleFormat.pcm(16_000, 16, 1), 16, "test"));
            writer.addChunk(sensor, T0, 0, 32);
        }
        writer.flush();
        AvailabilityIndex reader = new AvailabilityIndex(persister);
        reader.refresh();
        assertThat(persister.reads)
                .as("each new log: its header, then its records")
                .isEqualTo(40);

        persister.reads = 0;
        reader.refresh();
        assertThat(persister.reads).as("nothing changed").isZero();

        writer.addChunk(sensors.get(3), T0, 32, 32);
        writer.addChunk(sensors.get(7), T0, 32, 32);
        writer.flush();
        reader.refresh();
        assertThat(persister.reads).as("two logs grew: their new records only").isEqualTo(2);
        assertThat(reader.sessions(sensors.get(3)).get(T0).runs().endByte()).isEqualTo(64);

        // another writer's log put in the place of s5's (a rewrite replaces the file), as long as the one read
        Path tmp = Files.createTempDirectory(dir, "other");
        AvailabilityIndex other = new AvailabilityIndex(new LocalPersister(tmp, FsyncPolicy.NEVER));
        other.addSession(new SessionMeta(sensors.get(5), T0 + 1_000_000, SampleFormat.pcm(16_000, 16, 1), 16, "x"));
        for (int block = 0; block < 320; block += 32) {
            other.addChunk(sensors.get(5), T0 + 1_000_000, block, 32);
            other.flush(); // a record each
        }
        Path log = dir.resolve(AvailabilityIndex.DIR + "s5.log");
        Path replacement = tmp.resolve(AvailabilityIndex.DIR + "s5.log");
        assertThat(Files.size(replacement)).isGreaterThanOrEqualTo(Files.size(log));
        Files.move(replacement, log, StandardCopyOption.REPLACE_EXISTING);
        persister.reads = 0;
        reader.refresh();
        assertThat(persister.reads)
                .as("the replaced log: its header, then its records")
                .isEqualTo(2);
        assertThat(reader.sessions(sensors.get(5)).keySet()).containsExactly(T0 + 1_000_000);
        assertThat(reader.sessions(sensors.get(5)).get(T0 + 1_000_000).runs().endByte())
                .isEqualTo(320);
    }

    /** A persister that counts the ranged reads made through it. */
    private static final class CountingReads implements RandomAccessPersister {
        private final RandomAccessPersister inner;
        int reads;

        CountingReads(RandomAccessPersister inner) {
            this.inner = inner;
        }

        @Override
        public int read(String key, long offset, ByteBuffer dst) throws IOException {
            reads++;
            return inner.read(key, offset, dst);
        }

        @Override
        public byte[] read(String key) throws IOException {
            return inner.read(key);
        }

        @Override
        public void writeAt(String key, long offset, ByteBuffer bytes) throws IOException {
            inner.writeAt(key, offset, bytes);
        }

        @Override
        public long append(String key, ByteBuffer bytes) throws IOException {
            return inner.append(key, bytes);
        }

        @Override
        public void truncate(String key, long size) throws IOException {
            inner.truncate(key, size);
        }

        @Override
        public void write(String key, ByteBuffer bytes) throws IOException {
            inner.write(key, bytes);
        }

        @Override
        public boolean delete(String key) throws IOException {
            return inner.delete(key);
        }

        @Override
        public long size(String key) throws IOException {
            return inner.size(key);
        }

        @Override
        public void list(String prefix, java.util.function.Consumer<StoredObject> each) throws IOException {
            inner.list(prefix, each);
        }

        @Override
        public void sync() throws IOException {
            inner.sync();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    private static void assertSameSessions(AvailabilityIndex reader, AvailabilityIndex writer) {
        assertThat(reader.sessions(MIC).keySet())
                .containsExactlyElementsOf(writer.sessions(MIC).keySet());
        for (SessionEntry expected : writer.sessions(MIC).values()) {
            SessionEntry got = reader.sessions(MIC).get(expected.meta().startEpochMicros());
            assertThat(got.meta()).isEqualTo(expected.meta());
            assertThat(got.runs().runs()).isEqualTo(expected.runs().runs());
            assertThat(got.dropouts().all())
                    .containsExactlyElementsOf(expected.dropouts().all());
            assertThat(got.anchors().all())
                    .containsExactlyElementsOf(expected.anchors().all());
            LevelSummary a = got.levels();
            LevelSummary b = expected.levels();
            assertThat(List.of(a.chunks(), a.silent())).isEqualTo(List.of(b.chunks(), b.silent()));
            assertThat(List.of(a.minDbfs(), a.maxDbfs())).isEqualTo(List.of(b.minDbfs(), b.maxDbfs()));
            assertThat(a.meanDbfs()).isCloseTo(b.meanDbfs(), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    private static SessionMeta meta(long start) {
        return meta(start, 16);
    }

    private static SessionMeta meta(long start, int chunkFrames) {
        return new SessionMeta(MIC, start, SampleFormat.pcm(16_000, 16, 1), chunkFrames, "test");
    }
}
