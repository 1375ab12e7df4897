package io.wavestash.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.ConfigFile;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.source.Pacer;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.testing.S3Server;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's mirror to a real S3 server that is down when recording starts and comes back later: recording
 * goes on meanwhile, retention keeps the sessions the bucket does not hold yet, the backlog then drains to
 * zero, and the bucket holds every byte the device recorded, including what retention deleted afterwards.
 */
class MirrorTest {
    static final SampleFormat FORMAT = SampleFormat.pcm(8_000, 16, 1);
    static final SensorId OLD = SensorId.of("old");
    static final SensorId LIVE = SensorId.of("live");

    @TempDir
    Path dir;

    @Test
    void anOutageLosesNothingAndRetentionWaitsForTheMirror() throws Exception {
        try (S3Server s3 = S3Server.start("mirror")) {
            s3.stop(); // the bucket is out of reach from the start
            Path root = dir.resolve("store");
            WavestashConfig config = ConfigFile.parse(
                    "test.yaml",
                    "store: {path: " + root + "}\n"
                            + "retention: {maxAgeHours: 1, checkSeconds: 1}\n"
                            + "mirror:\n  device: edge-1\n  intervalMillis: 100\n" + s3.yaml("mirror", "fleet/", "  ")
                            + "sensors:\n"
                            + "  - {id: live, source: tone, sampleRateHz: 8000, seconds: 12, chunkMs: 100,"
                            + " realTime: true}\n",
                    WavestashConfig::from);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Map<Long, byte[]> old = new LinkedHashMap<>();
            try (ChunkStore store = Stores.open(config.store(), Stores.Access.WRITE)) {
                for (int day = 3; day >= 1; day--) {
                    long start = Times.toEpochMicrosExact(now.minus(Duration.ofDays(day)));
                    byte[] pcm = new byte[32_000];
                    new Random(day).nextBytes(pcm);
                    store.createSession(new SessionMeta(OLD, start, FORMAT, 800, "test"));
                    for (int block = 0; block < pcm.length; block += 1_600) {
                        store.write(OLD, start, block, ByteBuffer.wrap(pcm, block, 1_600));
                    }
                    store.recordDropout(OLD, start, 32_000, 33_600);
                    old.put(start, pcm);
                }
            }

            IngestDaemon daemon = IngestDaemon.start(config, Clock.systemUTC(), Pacer.system());
            try (daemon) {
                Mirror mirror = daemon.mirror();
                await(() -> mirror.errors() >= 2, 20);
                Thread.sleep(2_500); // two retention passes while the bucket is away
                assertThat(mirror.up()).isFalse();
                assertThat(daemon.store().sessions(OLD))
                        .as("retention keeps what is not mirrored")
                        .hasSize(3);
                assertThat(daemon.store().sessions(LIVE))
                        .as("recording goes on")
                        .hasSize(1);
                String down = daemon.registry().scrape();
                assertThat(down)
                        .contains("wavestash_mirror_up 0.0")
                        .containsPattern("wavestash_mirror_errors_total [1-9]");

                s3.restart();
                await(() -> mirror.up() && mirror.backlogBytes() == 0, 20);
                await(() -> daemon.store().sessions(OLD).size() == 1, 20); // now that the bucket has them

                s3.stop(); // away again, while the live sensor records
                await(() -> !mirror.up(), 20);
                Thread.sleep(1_500);
                assertThat(mirror.backlogBytes()).as("backlog while away").isGreaterThan(0);
                assertThat(mirror.lagSeconds()).isGreaterThan(0.5);
                assertThat(daemon.registry().scrape())
                        .contains("wavestash_mirror_up 0.0")
                        .doesNotContain("wavestash_mirror_lag_seconds 0.0");
                s3.restart();
                assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
                String[] scrape = {""};
                await(
                        () -> {
                            scrape[0] = daemon.registry().scrape();
                            return scrape[0].contains("wavestash_mirror_up 1.0")
                                    && scrape[0].contains("wavestash_mirror_backlog_bytes 0.0")
                                    && scrape[0].contains("wavestash_mirror_lag_seconds 0.0");
                        },
                        60); // the backlog drains and the lag returns to zero
                assertThat(scrape[0]).containsPattern("wavestash_mirror_chunks_total [1-9]");
            }

            // closed: the ring and journal drained into the store, and a last mirror pass made
            assertThat(daemon.lostNothing())
                    .as(
                            "dropouts %d, write failures %d",
                            daemon.stats().total(x -> x.dropouts),
                            daemon.stats().writeFailures.sum())
                    .isTrue();
            byte[] live;
            try (ChunkStore local = Stores.open(config.store(), Stores.Access.READ)) {
                live = whole(local, LIVE, local.sessions(LIVE).firstEntry().getValue());
                assertThat(live.length).isEqualTo(12 * 16_000);
            }
            try (ChunkStore bucket = Stores.open(config.mirror().target(), Stores.Access.READ)) {
                assertThat(bucket.sessions(OLD).keySet()).containsExactlyElementsOf(old.keySet());
                for (Map.Entry<Long, byte[]> e : old.entrySet()) {
                    SessionEntry s = bucket.sessions(OLD).get(e.getKey());
                    assertThat(whole(bucket, OLD, s)).isEqualTo(e.getValue());
                    assertThat(s.dropouts().all()).containsExactly(new long[] {32_000, 33_600});
                }
                byte[] mirrored =
                        whole(bucket, LIVE, bucket.sessions(LIVE).firstEntry().getValue());
                assertThat(mirrored.length).isEqualTo(live.length);
                assertThat(java.util.Arrays.mismatch(mirrored, live))
                        .as("first differing byte")
                        .isEqualTo(-1);
            }
            assertThat(s3.count("mirror", "fleet/edge-1/old/")).isEqualTo(3 * (20 + 2)); // chunks, meta, dropouts
        }
    }

    @Test
    void refusedCredentialsOrAMissingBucketShowInLogsAndMetricsWhileRecordingGoesOn() throws Exception {
        try (S3Server s3 = S3Server.start("mirror")) {
            String good = s3.yaml("mirror", "", "  ");
            List<String[]> cases = List.of(
                    new String[] {good.replace(S3Server.SECRET_KEY, "wrong-secret"), "access denied"},
                    new String[] {good.replace("bucket: mirror", "bucket: gone"), "bucket 'gone' does not exist"});
            for (String[] bad : cases) {
                Path root = dir.resolve("store-" + bad[1].hashCode());
                WavestashConfig config = ConfigFile.parse(
                        "test.yaml",
                        "store: {path: " + root + "}\n"
                                + "mirror:\n  device: edge-1\n  intervalMillis: 50\n" + bad[0]
                                + "sensors:\n  - {id: live, source: tone, sampleRateHz: 8000, seconds: 2, chunkMs: 100}\n",
                        WavestashConfig::from);
                List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
                java.util.logging.Logger log = java.util.logging.Logger.getLogger(Mirror.class.getName());
                java.util.logging.Handler handler = new java.util.logging.Handler() {
                    @Override
                    public void publish(java.util.logging.LogRecord r) {
                        logged.add(r.getLevel() + " " + r.getMessage());
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
                log.addHandler(handler);
                IngestDaemon daemon = IngestDaemon.start(config, Clock.systemUTC(), Pacer.system());
                try (daemon) {
                    assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
                    await(
                            () -> daemon.mirror().errors() >= 2
                                    && daemon.materializer().caughtUp(),
                            30);
                    assertThat(daemon.registry().scrape())
                            .contains("wavestash_mirror_up 0.0")
                            .containsPattern("wavestash_mirror_errors_total [1-9]");
                } finally {
                    log.removeHandler(handler);
                }
                assertThat(daemon.lostNothing()).isTrue();
                assertThat(logged)
                        .as("logged once per cause")
                        .filteredOn(l -> l.startsWith("WARNING") && l.contains(bad[1]))
                        .hasSize(1)
                        .allMatch(l -> l.contains("s3://") && !l.contains("wrong-secret"));
                try (ChunkStore local = Stores.open(config.store(), Stores.Access.READ)) {
                    assertThat(local.sessions(LIVE)
                                    .firstEntry()
                                    .getValue()
                                    .runs()
                                    .presentBytes())
                            .isEqualTo(2 * 16_000);
                }
            }
        }
    }

    @Test
    void aDaemonWritingStraightToTheBucketKeepsChunksInTheJournalThroughAnOutage() throws Exception {
        try (S3Server s3 = S3Server.start("direct")) {
            WavestashConfig config = ConfigFile.parse(
                    "test.yaml",
                    "store:\n  path: " + dir.resolve("journal") + "\n  device: edge-9\n"
                            + "  template: \"{device}/{sensor}/{session}/{block:014d}.pcm\"\n"
                            + s3.yaml("direct", "", "  ")
                            + "sensors:\n  - {id: live, source: tone, sampleRateHz: 8000, seconds: 6, chunkMs: 100,"
                            + " realTime: true}\n",
                    WavestashConfig::from);
            IngestDaemon daemon = IngestDaemon.start(config, Clock.systemUTC(), Pacer.system());
            try (daemon) {
                await(() -> daemon.stats().total(x -> x.chunksStored) >= 10, 20);
                s3.stop();
                Thread.sleep(2_000);
                assertThat(daemon.materializer().lag())
                        .as("records waiting in the journal")
                        .isGreaterThan(5);
                s3.restart();
                assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
                await(() -> daemon.materializer().caughtUp(), 60);
            }
            assertThat(daemon.lostNothing()).isTrue();
            try (ChunkStore bucket = Stores.open(config.store(), Stores.Access.READ)) {
                SessionEntry s = bucket.sessions(LIVE).firstEntry().getValue();
                assertThat(s.runs().presentRanges(0, Long.MAX_VALUE)).containsExactly(new long[] {0, 6 * 16_000});
            }
        }
    }

    private static byte[] whole(ChunkStore store, SensorId sensor, SessionEntry s) {
        List<long[]> ranges = new ArrayList<>(s.runs().presentRanges(0, Long.MAX_VALUE));
        assertThat(ranges).hasSize(1);
        ByteBuffer all = ByteBuffer.allocate((int) (ranges.get(0)[1] - ranges.get(0)[0]));
        store.read(sensor, s.meta().startEpochMicros(), ranges.get(0)[0], all);
        return all.array();
    }

    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + seconds + " s");
            }
            Thread.sleep(50);
        }
    }
}
