package io.wavestash.ingest.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.ingest.ring.ChunkEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal across cycle files: rolls, deletion of materialized cycles, and readers that start later. */
class JournalTest {
    @TempDir
    Path dir;

    @Test
    void readersFromTheStartSeeWhatIsLeftAfterOldCyclesWereDeleted() throws Exception {
        List<Long> indexes = new ArrayList<>();
        try (Journal journal = new Journal(dir, Duration.ofSeconds(1))) {
            Journal.Writer writer = journal.writer();
            for (int cycle = 0; cycle < 3; cycle++) {
                for (int i = 0; i < 5; i++) {
                    indexes.add(writer.appendDropout("s", 1, cycle * 100L + i, cycle * 100L + i + 1));
                }
                waitForNextSecond();
            }
            assertThat(cycleFiles()).hasSize(3);
            assertThat(journal.recordsAfter(-1)).isEqualTo(15);
            assertThat(journal.recordsAfter(indexes.get(4))).isEqualTo(10);
            assertThat(journal.recordsAfter(indexes.get(14))).isZero();

            // everything up to the second cycle's first record is materialized: the first file goes
            assertThat(journal.deleteCyclesBefore(indexes.get(5))).isEqualTo(1);
            assertThat(cycleFiles()).hasSize(2);
            assertThat(blocks(journal, -1)).containsExactly(100L, 101L, 102L, 103L, 104L, 200L, 201L, 202L, 203L, 204L);
            assertThat(blocks(journal, indexes.get(7))).containsExactly(103L, 104L, 200L, 201L, 202L, 203L, 204L);

            // a read-only journal cannot refresh Chronicle's listing of cycles; it still starts at the oldest file
            try (Journal readOnly = Journal.readOnly(dir)) {
                assertThat(blocks(readOnly, -1)).hasSize(10).startsWith(100L);
            }
        }
        // and so does a writer that reopens it
        try (Journal reopened = new Journal(dir, Duration.ofSeconds(1))) {
            assertThat(blocks(reopened, -1)).hasSize(10).startsWith(100L);
            assertThat(reopened.lastIndex()).isEqualTo(indexes.get(14));
        }
    }

    @Test
    void anExistingJournalKeepsTheCycleItWasCreatedWith() throws Exception {
        waitForNextSecond(); // both records in the same one-second cycle
        long first;
        try (Journal journal = new Journal(dir, Duration.ofSeconds(1))) {
            first = journal.writer().appendDropout("s", 1, 0, 1);
        }
        try (Journal journal = new Journal(dir, Duration.ofHours(1))) {
            long second = journal.writer().appendDropout("s", 1, 1, 2);
            assertThat(blocks(journal, first)).containsExactly(1L);
            assertThat(journal.deleteCyclesBefore(second)).isZero(); // the same one-second cycle or a later one
        }
    }

    private List<Path> cycleFiles() throws Exception {
        return cycleFiles(dir);
    }

    private static List<Path> cycleFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".cq4")).toList();
        }
    }

    @Test
    void theMappedBlockFitsTheLargestRecordAndRecordsCrossBlocksWhole() throws Exception {
        assertThat(Journal.blockSize(9_600)).isEqualTo(4L << 20);
        assertThat(Journal.blockSize(3_000_000)).isEqualTo(16L << 20);
        assertThat(Journal.blockSize(60L * 192_000 * 8 * 4)).isGreaterThanOrEqualTo(4 * 60L * 192_000 * 8 * 4);
        // 3 MB records in 16 MiB blocks: 12 of them span three blocks, and each reads back byte for byte
        java.util.Random random = new java.util.Random(7);
        List<byte[]> written = new ArrayList<>();
        try (Journal journal = new Journal(dir, Duration.ofHours(1), 3_000_000)) {
            Journal.Writer writer = journal.writer();
            for (int i = 0; i < 12; i++) {
                byte[] record = new byte[3_000_000];
                random.nextBytes(record);
                written.add(record);
                writer.appendSession("big", record, record.length);
            }
        }
        try (Journal journal = new Journal(dir, Duration.ofHours(1), 3_000_000)) {
            assertHoldsExactly(journal, written);
        }
    }

    @Test
    void pagesAheadOfTheAppenderAreWrittenWhileEveryRecordStaysWhole() throws Exception {
        java.util.Random random = new java.util.Random(11);
        List<byte[]> written = new ArrayList<>();
        Path touched = dir.resolve("touched");
        Path plain = dir.resolve("plain");
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger toucherLog = java.util.logging.Logger.getLogger(PageToucher.class.getName());
        java.util.logging.Handler collect = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                warnings.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        toucherLog.addHandler(collect);
        java.util.logging.Level level = toucherLog.getLevel();
        toucherLog.setLevel(java.util.logging.Level.FINE); // also hears of a fallback to touching page by page
        try (Journal journal = new Journal(touched, Duration.ofSeconds(1));
                Journal without = new Journal(plain, Duration.ofHours(1))) {
            journal.touchAhead(new io.wavestash.ingest.DiskGuard(touched));
            Journal.Writer writer = journal.writer();
            byte[] first = new byte[20_000];
            writer.appendSession("s", first, first.length);
            without.writer().appendSession("s", first, first.length);
            // the thread writes at least a megabyte ahead of the appender, which has not gone further meanwhile
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (allocatedBytes(cycleFile(touched)) < allocatedBytes(cycleFile(plain)) + (1 << 20)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(allocatedBytes(cycleFile(touched)))
                    .isGreaterThanOrEqualTo(allocatedBytes(cycleFile(plain)) + (1 << 20));
            // appends racing the thread, across pages, blocks and three one-second cycles
            written.add(first);
            long end = System.nanoTime() + 2_500_000_000L;
            while (System.nanoTime() < end) {
                byte[] record = new byte[1 + random.nextInt(30_000)];
                random.nextBytes(record);
                writer.appendSession("s", record, record.length);
                written.add(record);
                if (written.size() % 8 == 0) {
                    Thread.sleep(5);
                }
            }
        } finally {
            toucherLog.removeHandler(collect);
            toucherLog.setLevel(level);
        }
        // the thread went on across the cycles: it never gave up, and this kernel populates pages ahead in bulk
        assertThat(warnings).extracting(java.util.logging.LogRecord::getMessage).isEmpty();
        assertThat(cycleFiles(touched)).hasSizeGreaterThanOrEqualTo(3);
        try (Journal journal = new Journal(touched, Duration.ofSeconds(1))) {
            assertHoldsExactly(journal, written);
        }
    }

    /** The journal's records, from its start, are {@code written}'s data byte for byte, and no more. */
    private static void assertHoldsExactly(Journal journal, List<byte[]> written) {
        try (Journal.Reader reader = journal.readerAfter(-1)) {
            Journal.Record r = new Journal.Record();
            for (byte[] expected : written) {
                assertThat(reader.next(r)).isTrue();
                assertThat(java.util.Arrays.copyOf(r.data, r.length)).isEqualTo(expected);
            }
            assertThat(reader.next(r)).isFalse();
        }
    }

    private static Path cycleFile(Path journal) throws Exception {
        try (var files = Files.list(journal)) {
            return files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** The bytes the file system holds for {@code file} (its blocks, not its length). */
    private static long allocatedBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] out = new String(stat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                .trim()
                .split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    private static List<Long> blocks(Journal journal, long after) {
        List<Long> blocks = new ArrayList<>();
        try (Journal.Reader reader = journal.readerAfter(after)) {
            Journal.Record r = new Journal.Record();
            while (reader.next(r)) {
                assertThat(r.kind).isEqualTo(ChunkEvent.Kind.DROPOUT);
                blocks.add(r.block);
            }
        }
        return blocks;
    }

    private static void waitForNextSecond() throws InterruptedException {
        long now = System.currentTimeMillis();
        Thread.sleep(1_000 - now % 1_000 + 20);
    }
}
