package io.wavestash.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.persist.RandomAccessPersister;
import io.wavestash.storage.query.Gap;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WaveformQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store (persister x layout x codec) must do. Subclasses name the persister and config; the same
 * persister is reused by {@link #reopen()} to show that what was written is found again.
 */
public abstract class StoreContract {
    protected static final SensorId MIC = SensorId.of("mic-1");
    protected static final long T0 = 1_763_632_800_000_000L; // 2025-11-20T10:00:00Z
    protected static final SampleFormat S16_MONO_16K = SampleFormat.pcm(16_000, 16, 1);

    protected RandomAccessPersister persister;
    protected ChunkStore store;

    protected abstract RandomAccessPersister newPersister() throws IOException;

    protected abstract StoreConfig config();

    @BeforeEach
    void open() throws IOException {
        persister = newPersister();
        store = Stores.over(config(), persister);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected void reopen() {
        store.close();
        store = Stores.over(config(), persister);
    }

    protected static byte[] noise(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected SessionMeta session(SensorId sensor, long start, SampleFormat format, int chunkFrames) {
        SessionMeta meta = new SessionMeta(sensor, start, format, chunkFrames, "test");
        store.createSession(meta);
        return meta;
    }

    /** Writes {@code pcm} in chunks of {@code chunkBytes}, skipping the chunks whose index is in {@code skip}. */
    protected void writeChunks(SessionMeta meta, byte[] pcm, int chunkBytes, int... skip) {
        for (int at = 0, i = 0; at < pcm.length; at += chunkBytes, i++) {
            int index = i;
            if (Arrays.stream(skip).anyMatch(s -> s == index)) {
                continue;
            }
            store.write(
                    meta.sensor(),
                    meta.startEpochMicros(),
                    at,
                    ByteBuffer.wrap(pcm, at, Math.min(chunkBytes, pcm.length - at)));
        }
        store.flush();
    }

    protected byte[] readBack(SensorId sensor, long session, long from, int length) {
        ByteBuffer dst = ByteBuffer.allocate(length);
        store.read(sensor, session, from, dst);
        return dst.array();
    }

    @Test
    void chunksReadBackExactlyAtAnyOffset() {
        SessionMeta meta = session(MIC, T0, S16_MONO_16K, 1000);
        byte[] pcm = noise(2000 * 7 + 300, 1);
        writeChunks(meta, pcm, 2000);
        for (int[] range : new int[][] {{0, pcm.length}, {2, 10}, {1998, 4}, {3000, 9000}, {pcm.length - 2, 2}}) {
            assertThat(readBack(MIC, T0, range[0], range[1]))
                    .isEqualTo(Arrays.copyOfRange(pcm, range[0], range[0] + range[1]));
        }
    }

    @Test
    void anyByteRangeReadsBackInFormatsTheCodecRearranges() {
        SampleFormat bigEndian = new SampleFormat(22_050, 24, 2, SampleFormat.Encoding.SIGNED, SampleFormat.Endian.BIG);
        SessionMeta meta = session(MIC, T0, bigEndian, 100);
        byte[] pcm = noise(600 * 4 + 6 * 7, 12);
        writeChunks(meta, pcm, 600);
        for (int[] range : new int[][] {{1, 1}, {5, 7}, {599, 2}, {1, 2000}, {598, 605}, {pcm.length - 1, 1}}) {
            assertThat(readBack(MIC, T0, range[0], range[1]))
                    .as("bytes %s..+%s", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(pcm, range[0], range[0] + range[1]));
        }
    }

    @Test
    void longReadsOverManyChunksReadBackExactly() {
        // long enough to be split into parts read side by side where the persister allows it
        SampleFormat bigEndian = new SampleFormat(22_050, 24, 2, SampleFormat.Encoding.SIGNED, SampleFormat.Endian.BIG);
        SessionMeta meta = session(MIC, T0, bigEndian, 100);
        byte[] pcm = noise(600 * 300 + 6 * 13, 21);
        writeChunks(meta, pcm, 600, 250);
        int hole = 250 * 600;
        for (int[] range : new int[][] {
            {0, hole},
            {1, hole - 2},
            {599, 120_001},
            {hole + 600, pcm.length - hole - 600},
            {hole + 601, pcm.length - hole - 602}
        }) {
            assertThat(readBack(MIC, T0, range[0], range[1]))
                    .as("bytes %s..+%s", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(pcm, range[0], range[0] + range[1]));
        }
    }

    @Test
    void aTransferWritesTheBytesAReadGivesToFilesAndToOtherChannels() throws IOException {
        SessionMeta meta = session(MIC, T0, S16_MONO_16K, 300);
        byte[] pcm = noise(600 * 50, 31);
        writeChunks(meta, pcm, 600);
        Path file = Files.createTempFile("transfer", ".pcm");
        try {
            for (int[] range : new int[][] {{0, pcm.length}, {2, 598}, {598, 20_004}, {pcm.length - 2, 2}}) {
                try (FileChannel out =
                        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    out.write(ByteBuffer.wrap(new byte[] {7}));
                    store.transferTo(MIC, T0, range[0], range[1], out);
                }
                byte[] expected = Arrays.copyOfRange(pcm, range[0], range[0] + range[1]);
                assertThat(Arrays.copyOfRange(Files.readAllBytes(file), 1, range[1] + 1))
                        .as("to a file: bytes %s..+%s", range[0], range[1])
                        .isEqualTo(expected);
                assertThat(Files.size(file)).isEqualTo(range[1] + 1);
                ByteArrayOutputStream other = new ByteArrayOutputStream();
                store.transferTo(MIC, T0, range[0], range[1], Channels.newChannel(other));
                assertThat(other.toByteArray())
                        .as("to a stream: bytes %s..+%s", range[0], range[1])
                        .isEqualTo(expected);
            }
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void survivesReopening() {
        SessionMeta meta = session(MIC, T0, SampleFormat.pcm(48_000, 24, 2), 480);
        byte[] pcm = noise(6 * 480 * 5, 2);
        writeChunks(meta, pcm, 6 * 480, 2);
        reopen();
        SessionEntry entry = store.sessions(MIC).get(T0);
        assertThat(entry.meta()).isEqualTo(meta);
        assertThat(entry.runs().presentRanges(0, Long.MAX_VALUE))
                .containsExactly(new long[] {0, 5760}, new long[] {8640, 14400});
        assertThat(readBack(MIC, T0, 8640, 5760)).isEqualTo(Arrays.copyOfRange(pcm, 8640, 14400));
    }

    /**
     * Where a store writes files in place (segments on disk), chunks' bytes may go ahead from another thread and be
     * recorded later: nothing of them shows until then, and then they read back, survive a reopen and a rebuild of
     * the index like chunks written whole. Elsewhere the store has no placer and refuses to record placed chunks.
     */
    @Test
    void chunksWrittenAheadFromAnotherThreadShowOnlyOnceRecorded() throws Exception {
        boolean inPlace = config().layout() == io.wavestash.config.Layout.SEGMENTS && persister.writesInPlace();
        ChunkPlacer placer = store.placer();
        if (!inPlace) {
            assertThat(placer).isNull();
            session(MIC, T0, S16_MONO_16K, 100);
            assertThatThrownBy(() -> store.writePlaced(MIC, T0, 0, 200, null))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("does not take chunks written ahead");
            return;
        }
        SessionMeta ahead = new SessionMeta(MIC, T0, S16_MONO_16K, 1500, "test");
        assertThat(placer.isNew(ahead)).isTrue();
        store.createSession(ahead);
        assertThat(placer.isNew(ahead)).isFalse();
        // 3,000-byte chunks across the store's one-second (32,000-byte) slices
        byte[] pcm = noise(3000 * 25, 11);
        assertThat(placer.span(ahead)).isEqualTo(32_000);
        assertThat(placer.place(ahead, 0, ByteBuffer.wrap(pcm, 0, 3000)))
                .as("no file is ready before it is prepared")
                .isFalse();
        assertThat(dataKeys()).noneMatch(k -> k.endsWith(".seg"));
        var placing = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                long ready = 0;
                for (int at = 0; at < pcm.length; at += 3000) {
                    while (ready < at + 3000) {
                        ready = placer.prepare(ahead, ready);
                    }
                    assertThat(placer.place(ahead, at, ByteBuffer.wrap(pcm, at, 3000)))
                            .isTrue();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        SessionMeta whole = session(SensorId.of("other"), T0, S16_MONO_16K, 100);
        byte[] other = noise(4000, 12);
        writeChunks(whole, other, 200);
        placing.get();
        assertThat(store.sessions(MIC).get(T0).runs().presentBytes()).isZero();
        for (int at = 0; at < pcm.length; at += 3000) {
            store.writePlaced(MIC, T0, at, 3000, at == 0 ? new ChunkLevel(-20f, false) : null);
        }
        store.writePlaced(MIC, T0, 0, 3000, null); // again: harmless
        assertThatThrownBy(() -> store.writePlaced(MIC, T0, 1500, 3000, null)).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> store.writePlaced(MIC, T0, 3001, 3000, null)).hasMessageContaining("whole 2-byte");
        store.flush();
        assertThat(readBack(MIC, T0, 0, pcm.length)).isEqualTo(pcm);
        assertThat(readBack(SensorId.of("other"), T0, 0, other.length)).isEqualTo(other);
        List<Float> levels = new ArrayList<>();
        store.forEachLevel(MIC, T0, l -> levels.add(l.level().dbfs()));
        assertThat(levels).containsExactly(-20f);
        reopen();
        assertThat(readBack(MIC, T0, 1234 * 2, 30_000)).isEqualTo(Arrays.copyOfRange(pcm, 1234 * 2, 1234 * 2 + 30_000));
        deleteIndexLogs();
        assertThat(store.reindex()).isEmpty();
        assertThat(store.sessions(MIC).get(T0).runs().presentRanges(0, Long.MAX_VALUE))
                .containsExactly(new long[] {0, pcm.length});
        assertThat(readBack(MIC, T0, 0, pcm.length)).isEqualTo(pcm);
    }

    @Test
    void rewritingTheSameChunkIsHarmlessButOverlapsAreRefused() {
        SessionMeta meta = session(MIC, T0, S16_MONO_16K, 100);
        byte[] pcm = noise(800, 3);
        writeChunks(meta, pcm, 200);
        writeChunks(meta, pcm, 200);
        assertThatThrownBy(() -> store.write(MIC, T0, 100, ByteBuffer.wrap(noise(200, 9))))
                .hasMessageContaining("overlaps");
        assertThat(readBack(MIC, T0, 0, 800)).isEqualTo(pcm);
    }

    @Test
    void refusesPartialFramesDuplicateSessionsAndUnknownSessions() {
        SessionMeta meta = session(MIC, T0, SampleFormat.pcm(8000, 24, 3), 10);
        assertThatThrownBy(() -> store.write(MIC, T0, 0, ByteBuffer.allocate(10)))
                .hasMessageContaining("whole 9-byte frames");
        assertThatThrownBy(() -> store.write(MIC, T0, 3, ByteBuffer.allocate(9)))
                .hasMessageContaining("whole 9-byte frames");
        assertThatThrownBy(() -> store.createSession(meta)).hasMessageContaining("already has a session");
        assertThatThrownBy(() -> store.write(MIC, T0 + 1, 0, ByteBuffer.allocate(9)))
                .hasMessageContaining("no session");
    }

    @Test
    void deletingASessionRemovesItsBytes() throws IOException {
        SessionMeta keep = session(MIC, T0, S16_MONO_16K, 100);
        SessionMeta drop = session(MIC, T0 + 60_000_000, S16_MONO_16K, 100);
        writeChunks(keep, noise(1000, 4), 200);
        writeChunks(drop, noise(1000, 5), 200);
        List<String> before = dataKeys();
        store.deleteSession(MIC, drop.startEpochMicros());
        reopen();
        assertThat(store.sessions(MIC).keySet()).containsExactly(T0);
        assertThat(dataKeys()).isNotEmpty().hasSizeLessThan(before.size());
        assertThat(dataKeys()).noneMatch(k -> k.contains(Long.toString(drop.startEpochMicros())));
    }

    @Test
    void theIndexIsRebuiltFromStorage() throws IOException {
        SessionMeta a = session(MIC, T0, S16_MONO_16K, 100);
        SessionMeta b = session(SensorId.of("other"), T0 + 5, SampleFormat.pcm(44_100, 8, 1), 441);
        writeChunks(a, noise(4000, 6), 200, 3, 4);
        writeChunks(b, noise(441 * 3 + 17, 7), 441);
        List<long[]> before = store.sessions(MIC).get(T0).runs().presentRanges(0, Long.MAX_VALUE);
        deleteIndexLogs();
        assertThat(store.reindex()).isEmpty();
        assertThat(store.sensors()).containsExactly(MIC, SensorId.of("other"));
        assertThat(store.sessions(MIC).get(T0).runs().presentRanges(0, Long.MAX_VALUE))
                .containsExactlyElementsOf(before);
        reopen();
        assertThat(store.sessions(SensorId.of("other")).get(T0 + 5).runs().presentBytes())
                .isEqualTo(441 * 3 + 17);
    }

    @Test
    void aWindowSpansSessionsAndReportsGaps() {
        SessionMeta first = session(MIC, T0, S16_MONO_16K, 1600);
        SessionMeta second = session(MIC, T0 + 2_000_000, S16_MONO_16K, 1600);
        byte[] a = noise(32_000, 8); // 1 s
        byte[] b = noise(32_000, 9);
        writeChunks(first, a, 3200);
        writeChunks(second, b, 3200);
        SensorWindow w = new WaveformQuery(store)
                .window(
                        MIC,
                        Instant.ofEpochSecond(0, (T0 + 500_000) * 1000),
                        Instant.ofEpochSecond(0, (T0 + 2_500_000) * 1000));
        assertThat(w.segments()).hasSize(2);
        assertThat(w.gaps()).singleElement().satisfies(g -> {
            assertThat(g.reason()).isEqualTo(Gap.Reason.NOT_RECORDED);
            assertThat(g.frames()).isEqualTo(16_000);
        });
        byte[] expected = new byte[16_000 + 16_000];
        System.arraycopy(a, 16_000, expected, 0, 16_000);
        System.arraycopy(b, 0, expected, 16_000, 16_000);
        assertThat(drain(w.samples())).isEqualTo(expected);
        byte[] filled = drain(w.filled());
        assertThat(filled).hasSize(64_000);
        assertThat(Arrays.copyOfRange(filled, 16_000, 48_000)).containsOnly(0);
    }

    @Test
    void dropoutsAreReportedAsDroppedGapsAndSurviveARebuild() throws IOException {
        SessionMeta meta = session(MIC, T0, S16_MONO_16K, 1600);
        byte[] pcm = noise(3200 * 5, 13); // five 0.1 s chunks
        writeChunks(meta, pcm, 3200, 2, 4); // chunk 2 was dropped at capture, chunk 4 was never stored
        store.recordDropout(MIC, T0, 6400, 9600);
        store.flush();
        Instant from = Instant.ofEpochSecond(0, T0 * 1000);
        Instant to = from.plusMillis(500);
        for (int pass = 0; pass < 3; pass++) {
            SensorWindow w = new WaveformQuery(store).window(MIC, from, to);
            assertThat(w.gaps())
                    .extracting(Gap::reason, Gap::frames)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Gap.Reason.DROPPED, 1600L),
                            org.assertj.core.groups.Tuple.tuple(Gap.Reason.NOT_RECORDED, 1600L));
            if (pass == 0) {
                reopen();
            } else if (pass == 1) {
                deleteIndexLogs();
                assertThat(store.reindex()).isEmpty();
            }
        }
    }

    @Test
    void dropoutsAndAnchorsOfManyFlushesSurviveARebuildAndADeletedSessionLeavesNoFiles() throws IOException {
        SessionMeta kept = session(MIC, T0, S16_MONO_16K, 1600);
        SessionMeta gone = session(MIC, T0 + 60_000_000L, S16_MONO_16K, 1600);
        for (int i = 0; i < 20; i++) {
            store.recordDropout(MIC, T0, i * 6400L, i * 6400L + 3200);
            store.recordAnchor(MIC, T0, (i + 1) * 1600L, i + 1);
            store.recordDropout(MIC, gone.startEpochMicros(), i * 6400L, i * 6400L + 3200);
            if (i % 7 == 6) {
                store.flush();
            }
        }
        store.deleteSession(MIC, gone.startEpochMicros()); // its dropouts are not written yet
        store.flush();
        List<String> keys = new ArrayList<>();
        persister.list("", o -> keys.add(o.key()));
        assertThat(keys.stream().filter(k -> k.endsWith("/dropouts.json"))).hasSize(1);
        deleteIndexLogs();
        assertThat(store.reindex()).isEmpty();
        SessionEntry entry = store.sessions(MIC).get(kept.startEpochMicros());
        assertThat(entry.dropouts().all()).hasSize(20);
        assertThat(entry.anchors().all()).hasSize(20);
        assertThat(store.sessions(MIC)).containsOnlyKeys(kept.startEpochMicros());
    }

    @Test
    void timingAnchorsMapInstantsToSamplesAndSurviveReopeningAndARebuild() throws IOException {
        SessionMeta meta = session(MIC, T0, S16_MONO_16K, 1600);
        byte[] pcm = noise(3200 * 10, 17); // one second
        writeChunks(meta, pcm, 3200);
        // the wall clock ran 4 ms per second ahead of the sample clock: 2 ms at 0.5 s, 4 ms at 1 s
        store.recordAnchor(MIC, T0, 8000, 2_000_000);
        store.recordAnchor(MIC, T0, 16000, 4_000_000);
        store.recordAnchor(MIC, T0, 12000, 1); // before the last anchor: ignored
        store.flush();
        Instant start = Instant.ofEpochSecond(0, T0 * 1000);
        for (int pass = 0; pass < 3; pass++) {
            SensorWindow w = new WaveformQuery(store).window(MIC, start.plusMillis(300), start.plusMillis(600));
            // sample n is at n / 16000 s * 1.004: the first at or after 0.3 s is 4781, the first at or after 0.6 s 9562
            assertThat(w.segments()).hasSize(1);
            assertThat(w.segments().get(0).firstFrame()).isEqualTo(4781);
            assertThat(w.segments().get(0).frames()).isEqualTo(9562 - 4781);
            assertThat(w.gaps()).isEmpty();
            byte[] got = new byte[(9562 - 4781) * 2];
            ByteBuffer dst = ByteBuffer.wrap(got);
            try (SensorWindow.Stream stream = w.samples()) {
                while (dst.hasRemaining() && stream.read(dst) > 0) {}
            }
            assertThat(got).isEqualTo(Arrays.copyOfRange(pcm, 4781 * 2, 9562 * 2));
            SessionClock clock = store.sessions(MIC).get(T0).clock();
            assertThat(clock.anchors()).isEqualTo(2);
            assertThat(clock.driftPpm()).isCloseTo(4000.0, org.assertj.core.data.Offset.offset(1e-6));
            if (pass == 0) {
                reopen();
            } else if (pass == 1) {
                deleteIndexLogs();
                assertThat(store.reindex()).isEmpty();
            }
        }
    }

    @Test
    void chunkLevelsAreSummedUpListedAndKeptByAReopenAndARebuild() {
        SessionMeta meta = session(MIC, T0, S16_MONO_16K, 1600);
        byte[] pcm = noise(3200 * 6, 19);
        for (int i = 0; i < 6; i++) {
            store.write(MIC, T0, i * 3200L, ByteBuffer.wrap(pcm, i * 3200, 3200), new ChunkLevel(-20f - i, i >= 4));
        }
        store.write(MIC, T0, 0, ByteBuffer.wrap(pcm, 0, 3200), new ChunkLevel(-90f, true)); // again: not counted twice
        store.flush();
        for (int pass = 0; pass < 3; pass++) {
            SessionEntry entry = store.sessions(MIC).get(T0);
            assertThat(entry.levels().chunks()).isEqualTo(6);
            assertThat(entry.levels().silent()).isEqualTo(2);
            assertThat(entry.levels().minDbfs()).isEqualTo(-25.0);
            assertThat(entry.levels().maxDbfs()).isEqualTo(-20.0);
            List<Float> levels = new ArrayList<>();
            List<Long> blocks = new ArrayList<>();
            store.forEachLevel(MIC, T0, r -> {
                levels.add(r.level().dbfs());
                blocks.add(r.block());
            });
            assertThat(levels).containsExactly(-20f, -21f, -22f, -23f, -24f, -25f);
            assertThat(blocks).containsExactly(0L, 3200L, 6400L, 9600L, 12800L, 16000L);
            if (pass == 0) {
                reopen();
            } else if (pass == 1) {
                assertThat(store.reindex()).isEmpty();
            }
        }
    }

    @Test
    void laterSessionWinsWhereSessionsOverlap() {
        SessionMeta first = session(MIC, T0, S16_MONO_16K, 1600);
        SessionMeta stepBack = session(MIC, T0 + 500_000, S16_MONO_16K, 1600); // clock stepped back 0.5 s
        byte[] a = noise(32_000, 10);
        byte[] b = noise(32_000, 11);
        writeChunks(first, a, 3200);
        writeChunks(stepBack, b, 3200);
        SensorWindow w = new WaveformQuery(store)
                .window(MIC, Instant.ofEpochSecond(0, T0 * 1000), Instant.ofEpochSecond(0, (T0 + 1_500_000) * 1000));
        assertThat(w.gaps()).isEmpty();
        byte[] expected = new byte[48_000];
        System.arraycopy(a, 0, expected, 0, 16_000);
        System.arraycopy(b, 0, expected, 16_000, 32_000);
        assertThat(drain(w.samples())).isEqualTo(expected);
    }

    /** Loses the availability index (every log of every device), as a damaged disk would. */
    protected void deleteIndexLogs() throws IOException {
        List<String> logs = new ArrayList<>();
        persister.list("@wavestash/", o -> {
            if (o.key().endsWith(".log")) {
                logs.add(o.key());
            }
        });
        for (String log : logs) {
            persister.delete(log);
        }
    }

    protected List<String> dataKeys() throws IOException {
        List<String> keys = new ArrayList<>();
        persister.list("", o -> {
            if (!o.key().startsWith("@wavestash/")) {
                keys.add(o.key());
            }
        });
        return keys;
    }

    public static byte[] drain(SensorWindow.Stream stream) {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(stream.size()));
        ByteBuffer buffer = ByteBuffer.allocate(777);
        while (stream.read(buffer.clear()) > 0) {
            all.put(buffer.flip());
        }
        return all.array();
    }
}
