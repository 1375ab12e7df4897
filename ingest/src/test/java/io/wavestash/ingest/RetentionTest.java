package io.wavestash.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.ConfigFile;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.source.Pacer;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.Protection;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention in the running daemon: by age and by a free-space floor it deletes whole sessions, oldest first,
 * but never a sensor's newest session and never one overlapping a protected range.
 */
class RetentionTest {
    static final SampleFormat FORMAT = SampleFormat.pcm(8_000, 16, 1);

    @TempDir
    Path dir;

    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Test
    void deletesOldSessionsThenOldestForSpaceButNeverTheNewestOrProtected() throws Exception {
        Path root = dir.resolve("store");
        List<Instant> a = List.of(
                ago(Duration.ofDays(5)), ago(Duration.ofDays(4)), ago(Duration.ofDays(3)), ago(Duration.ofHours(2)));
        Instant b = ago(Duration.ofDays(6));
        WavestashConfig byAge = config(root, "maxAgeHours: 24");
        try (ChunkStore store = Stores.open(byAge.store(), Stores.Access.WRITE)) {
            for (Instant start : a) {
                session(store, "a", start);
            }
            session(store, "b", b);
        }
        Protection.add(
                root,
                new Protection.Range("a", a.get(1).plusMillis(500), a.get(1).plusSeconds(30), "keep"));

        runDaemon(byAge);
        assertThat(sessions(root, "a"))
                .as("older than a day and unprotected: gone; protected, recent and recording: kept")
                .containsExactly(a.get(1), a.get(3), newest(root, "a"));
        assertThat(newest(root, "a")).isAfter(now.minusSeconds(60));
        assertThat(sessions(root, "b")).as("b's only session is its newest").containsExactly(b);

        runDaemon(config(root, "minFreeMiB: 1000000000"));
        // below the floor everything deletable goes, oldest first: the recent session and the first run's
        // recording too; the protected session and the one recording now stay
        assertThat(sessions(root, "a")).containsExactly(a.get(1), newest(root, "a"));
        assertThat(newest(root, "a")).isAfter(now);
        assertThat(sessions(root, "b")).containsExactly(b);
    }

    private WavestashConfig config(Path root, String retention) {
        return ConfigFile.parse(
                "test.yaml",
                "store: {path: " + root + "}\n"
                        + "retention: {" + retention + ", checkSeconds: 1}\n"
                        + "sensors:\n"
                        + "  - {id: a, source: tone, sampleRateHz: 8000, seconds: 1, chunkMs: 100}\n",
                WavestashConfig::from);
    }

    private static void runDaemon(WavestashConfig config) throws Exception {
        try (IngestDaemon daemon = IngestDaemon.start(config, Clock.systemUTC(), Pacer.system())) {
            assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
            Thread.sleep(2_500); // at least one retention pass after everything is stored
        }
    }

    private Instant ago(Duration d) {
        return now.minus(d);
    }

    private static void session(ChunkStore store, String sensor, Instant start) {
        long micros = Times.toEpochMicrosExact(start);
        store.createSession(new SessionMeta(SensorId.of(sensor), micros, FORMAT, 8_000, "test"));
        store.write(SensorId.of(sensor), micros, 0, ByteBuffer.allocate(16_000));
    }

    private static List<Instant> sessions(Path root, String sensor) {
        try (ChunkStore store = Stores.open(Stores.existing(root).orElseThrow(), Stores.Access.READ)) {
            return store.sessions(SensorId.of(sensor)).keySet().stream()
                    .map(Times::ofEpochMicros)
                    .toList();
        }
    }

    private static Instant newest(Path root, String sensor) {
        List<Instant> all = sessions(root, sensor);
        return all.get(all.size() - 1);
    }
}
