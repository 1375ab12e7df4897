package io.wavestash.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.EventHandler;
import io.wavestash.config.ConfigFile;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.ingest.source.Pacer;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.query.Gap;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WaveformQuery;
import io.wavestash.storage.testing.Sox;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live sensor in real time while the durable stage behind the ring stalls for a while, as a busy disk does:
 * the source never waits, the chunks the full ring refused become dropouts, and the query reports exactly
 * those bytes as dropped gaps, next to correct stored samples.
 */
class ThrottledStoreTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aLiveSourceRecordsDropoutsInsteadOfBlockingAndTheQueryShowsTheirExtent() throws Exception {
        Path wav = Sox.synth(dir.resolve("live.wav"), 16_000, 16, "signed-integer", 1, 3.0);
        byte[] pcm = Sox.dataOf(wav);
        WavestashConfig config = ConfigFile.parse(
                "test.yaml",
                "store: {path: " + dir.resolve("store") + "}\n"
                        + "ring: {size: 8}\n"
                        + "sensors:\n"
                        + "  - {id: live, source: wav, file: " + wav + ", start: '" + T0 + "', chunkMs: 10,"
                        + " backpressure: drop}\n",
                WavestashConfig::from);
        long started = System.nanoTime();
        // the journal stage stalls 40 ms per event between 0.8 s and 1.6 s: 4x slower than the sensor
        EventHandler<ChunkEvent>[] stage = new EventHandler[1];
        long[] stalls = new long[1];
        IngestDaemon daemon = IngestDaemon.start(config, Clock.systemUTC(), Pacer.system(), journal -> {
            stage[0] = (event, sequence, endOfBatch) -> {
                long at = System.nanoTime() - started;
                if (at > 800_000_000L && at < 1_600_000_000L) {
                    stalls[0]++;
                    Thread.sleep(40);
                }
                journal.onEvent(event, sequence, endOfBatch);
            };
            return stage[0];
        });
        try {
            // the source did not wait for the stalled stage: the full ring refused its chunks (checked below)
            assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
        } finally {
            daemon.close();
        }
        assertThat(stalls[0]).isGreaterThan(5);
        long refused = daemon.ring().refused();
        assertThat(refused).as("chunks the full ring refused").isGreaterThan(10);
        assertThat(daemon.stats().total(s -> s.dropouts)).isGreaterThan(0);

        try (ChunkStore store =
                Stores.open(Stores.existing(dir.resolve("store")).orElseThrow(), Stores.Access.READ)) {
            SensorId live = SensorId.of("live");
            SessionEntry session = store.sessions(live).values().iterator().next();
            SensorWindow window = new WaveformQuery(store).window(live, T0.minusSeconds(1), T0.plusSeconds(10));
            // what is not stored inside the recording is exactly what the query calls dropped
            List<long[]> missing = missing(session.runs().chunks(), pcm.length);
            List<long[]> dropped = new ArrayList<>();
            for (Gap g : window.gaps()) {
                long from = frameOf(g.start()) * 2;
                long to = frameOf(g.end()) * 2;
                if (g.reason() == Gap.Reason.DROPPED) {
                    dropped.add(new long[] {from, to});
                } else {
                    assertThat(from >= pcm.length || to <= 0)
                            .as("only outside the recording is a gap 'not recorded': %d..%d", from, to)
                            .isTrue();
                }
            }
            assertThat(dropped).isNotEmpty();
            assertThat(dropped)
                    .usingElementComparator(ThrottledStoreTest::compareRanges)
                    .containsExactlyElementsOf(missing);
            long droppedBytes = dropped.stream().mapToLong(r -> r[1] - r[0]).sum();
            assertThat(droppedBytes).as("dropped extent = refused chunks").isEqualTo(refused * 320);
            for (ChunkRuns.Chunk c : session.runs().chunks()) {
                ByteBuffer dst = ByteBuffer.allocate(c.length());
                store.read(live, session.meta().startEpochMicros(), c.block(), dst);
                assertThat(dst.array())
                        .as("stored chunk at %d", c.block())
                        .isEqualTo(Arrays.copyOfRange(pcm, (int) c.block(), (int) c.block() + c.length()));
            }
            System.out.printf(
                    "throttled store: %d chunks refused in the stall, %d dropped range(s), %d bytes; source never"
                            + " waited%n",
                    refused, dropped.size(), droppedBytes);
        }
    }

    private static long frameOf(Instant t) {
        return Times.firstIndexAtOrAfter(Times.toEpochMicrosExact(T0), 16_000, t);
    }

    private static List<long[]> missing(List<ChunkRuns.Chunk> chunks, long end) {
        List<long[]> out = new ArrayList<>();
        long at = 0;
        for (ChunkRuns.Chunk c : chunks) {
            if (c.block() > at) {
                out.add(new long[] {at, c.block()});
            }
            at = c.block() + c.length();
        }
        if (at < end) {
            out.add(new long[] {at, end});
        }
        return out;
    }

    private static int compareRanges(long[] a, long[] b) {
        return Arrays.compare(a, b);
    }
}
