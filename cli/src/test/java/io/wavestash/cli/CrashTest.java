package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.StoreConfig;
import io.wavestash.ingest.journal.Journal;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the daemon with SIGKILL twenty times at random moments while it ingests at full speed, its journal rolling
 * to a new file every second and two threads appending to it.  After each kill,
 * a reader sees only whole, correct chunks; after each restart, every chunk the journal had acknowledged is in
 * the store, byte for byte.
 */
class CrashTest {
    @TempDir
    Path dir;

    static final int ROUNDS = Integer.getInteger("crash.rounds", 20);

    /** A chunk the journal holds, with its journal index (not part of its identity). */
    record Acked(String sensor, long session, long block, int length, int crc, long index, boolean placed) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Acked a
                    && sensor.equals(a.sensor)
                    && session == a.session
                    && block == a.block
                    && length == a.length
                    && crc == a.crc;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(sensor, session, block, length, crc);
        }

        @Override
        public String toString() {
            return sensor + "/" + session + "/" + block + " (" + length + " bytes, journal index "
                    + Long.toHexString(index) + ")";
        }
    }

    @Test
    void killNineTwentyTimesLosesNothingAcknowledged() throws Exception {
        Path wav = Sox.synth(dir.resolve("loop.wav"), 48_000, 16, "signed-integer", 1, 3.0);
        byte[] pcm = Sox.dataOf(wav);
        Path config = Files.writeString(
                dir.resolve("crash.yaml"),
                """
                store:
                  path: store
                  layout: segments
                  fsync: never
                journal:
                  cycle: 1s   # a journal file per second: every round crosses rolls and cycle deletions
                ring:
                  consumers: 2   # each sensor's chunks journaled by a thread of its own, into the one journal
                sensors:
                  - {id: fast, source: wav, file: loop.wav, loop: true, realTime: false, chunkMs: 20}
                  - {id: second, source: wav, file: loop.wav, loop: true, realTime: false, chunkMs: 50}
                """);
        Path store = dir.resolve("store");
        Path journalDir = store.resolve("@wavestash/journal");
        Random random = new Random(42);
        List<Acked> pending = new ArrayList<>();
        long checked = 0;
        long placed = 0;
        for (int round = 0; round <= ROUNDS; round++) {
            long began = System.nanoTime();
            Path out = dir.resolve("out.txt");
            Process daemon = CliRun.startDaemon(dir, config, ProcessBuilder.Redirect.to(out.toFile()), "-Xmx256m");
            // the times below count from the daemon saying it records: on a slow machine the JVM's start alone
            // may take longer than a round, and every kill would come before anything was recorded
            CliRun.awaitRecording(daemon, out);
            if (round == ROUNDS) {
                Thread.sleep(3_000);
                daemon.destroy(); // the last run ends with SIGTERM and drains
                assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
                assertThat(daemon.exitValue())
                        .as("exit status of the clean stop; it said: %s", Files.readString(dir.resolve("err.txt")))
                        .isZero();
            } else {
                Thread.sleep(
                        200 + random.nextInt(1_000)); // as far into recording as the kills were when starts were fast
                daemon.destroyForcibly(); // SIGKILL
                assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
                assertThat(daemon.exitValue()).isEqualTo(137);
            }
            System.out.printf(
                    "round %d: %d ms, %s%n", round, (System.nanoTime() - began) / 1_000_000, journalState(journalDir));
            // what the journal acknowledged is stored, byte for byte, or still in the journal for the next start
            List<Acked> inJournal = acknowledged(journalDir, pcm);
            placed += inJournal.stream().filter(Acked::placed).count();
            try {
                checked += verifyStored(store, pending, inJournal);
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + " (round " + round + "; journal now: " + journalState(journalDir) + ")", e);
            }
            pending = inJournal;
            assertNoPartialChunk(store, pcm);
        }
        assertThat(verifyStored(store, pending, List.of()))
                .as("all stored after the clean stop")
                .isEqualTo(pending.size());
        checked += pending.size();
        assertThat(checked).as("acknowledged chunks checked").isGreaterThan(1_000);
        assertThat(placed)
                .as("chunks acknowledged by where they went in the store")
                .isGreaterThan(100);
        System.out.printf(
                "crash test: %d kills, %d acknowledged chunks found stored and byte-identical, %d records of chunks written into the"
                        + " store first seen in the journal over the rounds%n",
                ROUNDS, checked, placed);
    }

    /**
     * Every chunk record still in the journal (not yet known to be materialized), with the checksum of its bytes:
     * those in the record, or for a chunk written into the store first (its record says where), those the looping
     * recording has at that offset.
     */
    private static List<Acked> acknowledged(Path journalDir, byte[] pcm) throws Exception {
        List<Acked> acked = new ArrayList<>();
        if (!Files.isDirectory(journalDir)) {
            return acked;
        }
        try (var files = Files.list(journalDir)) {
            if (files.noneMatch(f -> f.getFileName().toString().endsWith(".cq4"))) {
                // killed while the journal was being set up (its metadata table perhaps half made): no cycle
                // file, so nothing was appended
                return acked;
            }
        }
        Journal opened;
        try {
            opened = Journal.readOnly(journalDir);
        } catch (IllegalStateException e) {
            // killed while creating its first cycle file, before the queue listed it: nothing was appended yet
            if (String.valueOf(e.getMessage()).contains("does not exist in readOnly TableStore")) {
                return acked;
            }
            throw e;
        }
        try (Journal journal = opened;
                Journal.Reader reader = journal.readerAfter(-1)) {
            Journal.Record r = new Journal.Record();
            CRC32C crc = new CRC32C();
            while (reader.next(r)) {
                if (r.kind == ChunkEvent.Kind.CHUNK) {
                    crc.reset();
                    if (r.placed) {
                        crc.update(Bytes.looped(pcm, r.block, r.length));
                    } else {
                        crc.update(r.data, 0, r.length);
                    }
                    acked.add(
                            new Acked(r.sensor, r.session, r.block, r.length, (int) crc.getValue(), r.index, r.placed));
                }
            }
        }
        return acked;
    }

    private static String journalState(Path journalDir) throws Exception {
        try (var files = Files.list(journalDir)) {
            Path position = journalDir.resolve("materialized.pos");
            return "files "
                    + files.map(f -> f.getFileName().toString()).sorted().toList() + ", materialized to "
                    + (Files.exists(position) ? Long.toHexString(Long.parseLong(Files.readString(position))) : "-");
        }
    }

    /**
     * Checks that each acknowledged chunk is stored with the same bytes, unless the journal still holds it for
     * the materializer; returns how many were found stored.
     */
    private static long verifyStored(Path root, List<Acked> acked, List<Acked> stillJournaled) {
        java.util.Set<Acked> journaled = new java.util.HashSet<>(stillJournaled);
        long stored = 0;
        try (ChunkStore store = Stores.open(Stores.existing(root).orElseThrow(), Stores.Access.READ)) {
            CRC32C crc = new CRC32C();
            for (Acked a : acked) {
                SessionEntry session = store.sessions(SensorId.of(a.sensor())).get(a.session());
                ChunkRuns.Chunk chunk = session == null ? null : session.runs().chunkAt(a.block());
                if (chunk == null) {
                    if (!journaled.contains(a)) {
                        throw new AssertionError(
                                "chunk " + a + " was acknowledged but is neither stored nor journaled");
                    }
                    continue;
                }
                stored++;
                ByteBuffer dst = ByteBuffer.allocate(a.length());
                store.read(SensorId.of(a.sensor()), a.session(), a.block(), dst);
                crc.reset();
                crc.update(dst.array());
                assertThat((int) crc.getValue())
                        .as("chunk %s/%d/%d", a.sensor(), a.session(), a.block())
                        .isEqualTo(a.crc());
            }
        }
        return stored;
    }

    /** Every byte a reader can see is the looping recording's byte at that offset. */
    private static void assertNoPartialChunk(Path root, byte[] pcm) {
        StoreConfig config = Stores.existing(root).orElseThrow();
        try (ChunkStore store = Stores.open(config, Stores.Access.READ)) {
            for (SensorId sensor : store.sensors()) {
                for (SessionEntry session : store.sessions(sensor).values()) {
                    List<ChunkRuns.Chunk> chunks = session.runs().chunks();
                    // a crash can only tear the newest chunks; check those, and a sample of the rest
                    List<ChunkRuns.Chunk> checked =
                            new ArrayList<>(chunks.subList(Math.max(0, chunks.size() - 300), chunks.size()));
                    for (int i = 0; i < chunks.size(); i += 97) {
                        checked.add(chunks.get(i));
                    }
                    for (ChunkRuns.Chunk chunk : checked) {
                        ByteBuffer dst = ByteBuffer.allocate(chunk.length());
                        store.read(sensor, session.meta().startEpochMicros(), chunk.block(), dst);
                        if (!Arrays.equals(dst.array(), Bytes.looped(pcm, chunk.block(), chunk.length()))) {
                            throw new AssertionError(
                                    "chunk at byte " + chunk.block() + " of " + sensor + " is not what was recorded");
                        }
                    }
                }
            }
        }
    }
}
