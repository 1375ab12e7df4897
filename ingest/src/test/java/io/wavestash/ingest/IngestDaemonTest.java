package io.wavestash.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.ConfigFile;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.source.Pacer;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three mock sensors of different formats, paced by a fake clock: every chunk produced is stored, gapless. */
class IngestDaemonTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    Map<String, Path> files;

    @BeforeEach
    void recordings() throws Exception {
        files = Map.of(
                "voice", Sox.synth(dir.resolve("voice.wav"), 16_000, 16, "signed-integer", 1, 2.3),
                "chirp", Sox.synth(dir.resolve("chirp.wav"), 48_000, 24, "signed-integer", 2, 1.7),
                "hum", Sox.synth(dir.resolve("hum.wav"), 44_100, 32, "floating-point", 1, 2.05));
    }

    WavestashConfig config(String layout) {
        String yaml = "store:\n  path: " + dir.resolve("store") + "\n  layout: " + layout + "\n"
                + "ring:\n  size: 64\n  consumers: 2\n" // two sensors' chunks on one thread, the third's on another
                + "sensors:\n"
                + "  - {id: voice, source: wav, file: " + files.get("voice") + ", start: '" + T0 + "', chunkMs: 100}\n"
                + "  - {id: chirp, source: wav, file: " + files.get("chirp") + ", start: '" + T0.plusSeconds(1)
                + "', chunkMs: 20}\n"
                + "  - {id: hum, source: wav, file: " + files.get("hum") + ", start: '" + T0.plusMillis(250)
                + "', chunkMs: 250}\n";
        return ConfigFile.parse("test.yaml", yaml, WavestashConfig::from);
    }

    @Test
    void everyChunkProducedIsStoredAndARestartChangesNothing() throws Exception {
        for (String layout : new String[] {"chunks", "segments"}) {
            Path store = dir.resolve("store");
            for (int run = 0; run < 2; run++) {
                FakePacer pacer = new FakePacer();
                try (IngestDaemon daemon = IngestDaemon.start(config(layout), Clock.fixed(T0, ZoneOffset.UTC), pacer)) {
                    assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
                    daemon.close();
                    IngestStats st = daemon.stats();
                    assertThat(daemon.lostNothing())
                            .as(
                                    "journaled %d stored %d dropouts %d failures %d sources failed %d",
                                    st.total(x -> x.chunksJournaled),
                                    st.total(x -> x.chunksStored),
                                    st.total(x -> x.dropouts),
                                    st.writeFailures.sum(),
                                    st.sourceFailures.sum())
                            .isTrue();
                    assertThat(daemon.stats().total(s -> s.chunksJournaled)).isGreaterThan(100);
                    assertThat(pacer.waits())
                            .as("every chunk waited for its time")
                            .isEqualTo(daemon.stats().total(s -> s.chunksJournaled));
                }
                try (ChunkStore s = Stores.open(Stores.existing(store).orElseThrow(), Stores.Access.READ)) {
                    assertThat(s.sensors())
                            .extracting(SensorId::value)
                            .containsExactlyInAnyOrder("voice", "chirp", "hum");
                    for (var e : files.entrySet()) {
                        byte[] expected = Sox.dataOf(e.getValue());
                        Map<Long, SessionEntry> sessions = s.sessions(SensorId.of(e.getKey()));
                        assertThat(sessions).hasSize(1);
                        SessionEntry entry = sessions.values().iterator().next();
                        assertThat(entry.runs().presentRanges(0, Long.MAX_VALUE))
                                .as(e.getKey() + " is gapless")
                                .hasSize(1);
                        assertThat(entry.meta().format())
                                .isEqualTo(Sox.infoOf(e.getValue()).format());
                        ByteBuffer all = ByteBuffer.allocate(expected.length);
                        s.read(SensorId.of(e.getKey()), entry.meta().startEpochMicros(), 0, all);
                        Bytes.assertSame(all.array(), expected, e.getKey());
                    }
                    assertThat(Times.ofEpochMicros(
                                    s.sessions(SensorId.of("chirp")).firstKey()))
                            .isEqualTo(T0.plusSeconds(1));
                }
            }
            deleteTree(store);
        }
    }

    /**
     * With segments on disk, chunks are written into the store as they are acknowledged (their journal records only
     * say where), and they read back byte for byte. A second run over the same sessions, with other audio, places
     * nothing: what the store holds is not written over.
     */
    @Test
    void chunksGoStraightIntoTheStoreButNeverOverSessionsItHolds() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Map<String, Path> first = files;
        for (int run = 0; run < 2; run++) {
            if (run == 1) {
                // the same formats and lengths, other audio
                Sox.run(
                        "-n",
                        "-r",
                        "16000",
                        "-b",
                        "16",
                        "-c",
                        "1",
                        other.resolve("voice.wav").toString(),
                        "synth",
                        "2.3",
                        "sine",
                        "440");
                Sox.run(
                        "-n",
                        "-r",
                        "48000",
                        "-b",
                        "24",
                        "-c",
                        "2",
                        other.resolve("chirp.wav").toString(),
                        "synth",
                        "1.7",
                        "sine",
                        "1000");
                Sox.run(
                        "-n",
                        "-r",
                        "44100",
                        "-b",
                        "32",
                        "-e",
                        "floating-point",
                        "-c",
                        "1",
                        other.resolve("hum.wav").toString(),
                        "synth",
                        "2.05",
                        "sine",
                        "60");
                files = Map.of(
                        "voice", other.resolve("voice.wav"),
                        "chirp", other.resolve("chirp.wav"),
                        "hum", other.resolve("hum.wav"));
            }
            // the first run paced as microphones are: unpaced, a whole file's chunks can reach the ring before the
            // thread that creates a session's file has run at all
            Pacer pacer = run == 0 ? Pacer.system() : new FakePacer();
            try (IngestDaemon daemon = IngestDaemon.start(config("segments"), Clock.fixed(T0, ZoneOffset.UTC), pacer)) {
                assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
                daemon.close();
                assertThat(daemon.lostNothing()).isTrue();
                long journaled = daemon.stats().total(x -> x.chunksJournaled);
                long placed = daemon.stats().total(x -> x.chunksPlaced);
                assertThat(journaled).isGreaterThan(100);
                if (run == 0) {
                    // a session's first chunks may go into the journal whole while its file is created
                    assertThat(placed).as("placed of %d", journaled).isGreaterThan(journaled / 2);
                } else {
                    assertThat(placed).as("placed into sessions the store held").isZero();
                }
            }
            try (ChunkStore s =
                    Stores.open(Stores.existing(dir.resolve("store")).orElseThrow(), Stores.Access.READ)) {
                for (var e : first.entrySet()) {
                    byte[] expected = Sox.dataOf(e.getValue());
                    SessionEntry entry = s.sessions(SensorId.of(e.getKey()))
                            .values()
                            .iterator()
                            .next();
                    assertThat(entry.runs().presentRanges(0, Long.MAX_VALUE))
                            .containsExactly(new long[] {0, expected.length});
                    ByteBuffer all = ByteBuffer.allocate(expected.length);
                    s.read(SensorId.of(e.getKey()), entry.meta().startEpochMicros(), 0, all);
                    Bytes.assertSame(all.array(), expected, e.getKey() + " after run " + run);
                }
            }
        }
    }

    @Test
    void aDriftingSampleClockIsAnchoredAndQueriedOnTheWallClockAndEveryChunkHasItsLevel() throws Exception {
        // tone "fast" runs 250 ppm fast, as a cheap sound card might; "steady" has no clock error
        String yaml = "store:\n  path: " + dir.resolve("store") + "\n"
                + "clock: {anchorSeconds: 10, toleranceMs: 1}\n"
                + "dsp: {silenceDbfs: -20}\n"
                + "sensors:\n"
                + "  - {id: fast, source: tone, sampleRateHz: 48000, seconds: 120, driftPpm: 250}\n"
                + "  - {id: steady, source: tone, sampleRateHz: 16000, seconds: 120, frequencyHz: 1000}\n";
        WavestashConfig config = ConfigFile.parse("drift.yaml", yaml, WavestashConfig::from);
        try (IngestDaemon daemon = IngestDaemon.start(config, Clock.fixed(T0, ZoneOffset.UTC), new FakePacer())) {
            assertThat(daemon.awaitSources(1, TimeUnit.MINUTES)).isTrue();
            daemon.close();
            assertThat(daemon.lostNothing()).isTrue();
        }
        try (ChunkStore s = Stores.open(Stores.existing(dir.resolve("store")).orElseThrow(), Stores.Access.READ)) {
            SessionEntry fast = s.sessions(SensorId.of("fast")).firstEntry().getValue();
            SessionEntry steady = s.sessions(SensorId.of("steady")).firstEntry().getValue();
            assertThat(steady.clock().anchors())
                    .as("a steady clock needs no anchors")
                    .isZero();
            // 250 ppm fast: each wall second holds 48012 samples, and sample n comes 250 ppm early
            assertThat(fast.clock().anchors()).isBetween(1, 4);
            assertThat(fast.clock().driftPpm()).isCloseTo(-250, org.assertj.core.data.Offset.offset(10.0));
            Instant start = Times.ofEpochMicros(fast.meta().startEpochMicros());
            long at100s = new io.wavestash.storage.query.WaveformQuery(s)
                    .window(SensorId.of("fast"), start.plusSeconds(100), start.plusSeconds(101))
                    .segments()
                    .get(0)
                    .firstFrame();
            assertThat(at100s).as("within the 1 ms tolerance of 4,801,200").isBetween(4_801_200L - 48, 4_801_200L + 48);
            // every chunk carries its level: a sine at half scale is -9.03 dBFS, above the -20 dBFS threshold
            long chunks = steady.runs().chunks().size();
            assertThat(chunks).isEqualTo(1200);
            assertThat(steady.levels().chunks()).isEqualTo(chunks);
            assertThat(steady.levels().silent()).isZero();
            assertThat(steady.levels().meanDbfs()).isCloseTo(-9.03, org.assertj.core.data.Offset.offset(0.05));
            assertThat(fast.levels().chunks()).isEqualTo(fast.runs().chunks().size());
        }
    }

    static void deleteTree(Path root) throws java.io.IOException {
        try (var all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
