package io.wavestash.ingest.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.StoreConfig;
import io.wavestash.ingest.DiskGuard;
import io.wavestash.ingest.IngestStats;
import io.wavestash.ingest.journal.Journal;
import io.wavestash.ingest.journal.JournalHandler;
import io.wavestash.ingest.journal.Materializer;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import io.wavestash.storage.Stores;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The journal stage takes the chunks of a sensor that follow each other in a batch into one write into the store,
 * and journals them in the order they came; chunks whose file is not ready go into the journal whole.
 */
class StagedPlacementTest {
    private static final long SESSION = 1_790_000_000_000_000L;
    private static final int CHUNK = 9_600; // 100 ms of 48 kHz 16-bit mono: not a whole number of pages
    private static final int CHUNKS = 40;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "files ready: {0}")
    @ValueSource(booleans = {true, false})
    void interleavedSensorsAreStoredWholeAndJournaledInOrder(boolean filesReady) throws Exception {
        ChunkStore store = Stores.open(StoreConfig.defaults().withPath(dir.resolve("store")), Stores.Access.WRITE);
        String[] sensors = {"a", "b", "c"};
        byte[][] audio = new byte[sensors.length][CHUNK * CHUNKS];
        Random random = new Random(7);
        for (byte[] a : audio) {
            random.nextBytes(a);
        }
        IngestStats stats = new IngestStats();
        List<String> acknowledged = new ArrayList<>();
        try (Journal journal = new Journal(dir.resolve("journal"), Duration.ofMinutes(1))) {
            Materializer materializer = new Materializer(journal, store, stats, new DiskGuard(dir));
            Executor preparing = filesReady ? Runnable::run : task -> {}; // never made ready: nothing is placed
            JournalHandler handler = JournalHandler.placing(
                    journal.writer(), stats, new DiskGuard(dir), store, new DiskGuard(dir), materializer, preparing);
            handler.onAcknowledged((sensor, block, published, now) -> acknowledged.add(sensor + "@" + block));
            long sequence = 0;
            ChunkEvent e = new ChunkEvent();
            for (int s = 0; s < sensors.length; s++) {
                byte[] json = SessionMetaJson.write(new SessionMeta(
                        SensorId.of(sensors[s]), SESSION, SampleFormat.pcm(48_000, 16, 1), CHUNK / 2, "test"));
                e.set(ChunkEvent.Kind.SESSION, sensors[s], SESSION, 0, 0, json, 0, json.length);
                handler.onEvent(e, sequence++, s == sensors.length - 1);
            }
            // batches of 25 events: the sensors' chunks interleaved, so each batch holds runs of several chunks
            List<String> sent = new ArrayList<>();
            int events = CHUNKS * sensors.length;
            for (int i = 0; i < events; i++) {
                int s = i % sensors.length;
                long block = (long) (i / sensors.length) * CHUNK;
                e.set(ChunkEvent.Kind.CHUNK, sensors[s], SESSION, block, block + CHUNK, audio[s], (int) block, CHUNK);
                handler.onEvent(e, sequence++, i % 25 == 24 || i == events - 1);
                sent.add(sensors[s] + "@" + block);
            }
            assertThat(acknowledged).containsExactlyElementsOf(sent);

            List<String> journaled = new ArrayList<>();
            int placed = 0;
            try (Journal.Reader reader = journal.readerAfter(-1)) {
                Journal.Record r = new Journal.Record();
                while (reader.next(r)) {
                    if (r.kind == ChunkEvent.Kind.CHUNK) {
                        journaled.add(r.sensor + "@" + r.block);
                        placed += r.placed ? 1 : 0;
                        assertThat(r.length).isEqualTo(CHUNK);
                    }
                }
            }
            assertThat(journaled).containsExactlyElementsOf(sent);
            assertThat(placed).isEqualTo(filesReady ? events : 0);
            assertThat(stats.total(x -> x.chunksPlaced)).isEqualTo(placed);

            Thread storing = new Thread(materializer);
            storing.start();
            materializer.stop();
            storing.join();
        }
        for (int s = 0; s < sensors.length; s++) {
            ByteBuffer back = ByteBuffer.allocate(CHUNK * CHUNKS);
            store.read(SensorId.of(sensors[s]), SESSION, 0, back);
            assertThat(back.array()).as(sensors[s]).isEqualTo(audio[s]);
        }
        store.close();
    }
}
