package io.wavestash.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wavestash.config.ConfigFile;
import io.wavestash.config.WavestashConfig;
import io.wavestash.storage.testing.Sox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ring.priority: realtime}, checked against what the kernel says of each thread. */
class RealTimeTest {
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_FIFO = 1;

    @TempDir
    Path dir;

    /** A thread's scheduling policy and real-time priority: fields 41 and 40 of its stat line. */
    private static int[] policyOf(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" "); // from the state, field 3, on
        return new int[] {Integer.parseInt(fields[38]), Integer.parseInt(fields[37])};
    }

    /** What raising a new thread comes to here: null when it ran under SCHED_FIFO, or why not. */
    private static String probe() throws Exception {
        CompletableFuture<String> refused = new CompletableFuture<>();
        Thread t = new Thread(() -> refused.complete(RealTime.raise()));
        t.start();
        t.join();
        return refused.get();
    }

    @Test
    void aRaisedThreadRunsUnderFifoAtItsPriorityOrSaysWhyNotAndOthersAreUntouched() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        CompletableFuture<Object[]> seen = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                String refused = RealTime.raise();
                seen.complete(
                        new Object[] {refused, policyOf(Path.of("/proc/thread-self/stat")), RealTime.isRealTime()});
            } catch (IOException | RuntimeException e) {
                seen.completeExceptionally(e);
            }
        });
        t.start();
        Object[] r = seen.get(10, TimeUnit.SECONDS);
        String refused = (String) r[0];
        int[] policy = (int[]) r[1];
        if (refused == null) {
            assertThat(policy).containsExactly(SCHED_FIFO, RealTime.PRIORITY);
            assertThat((boolean) r[2]).isTrue();
        } else {
            assertThat(refused).contains("sched_setscheduler");
            assertThat(policy).containsExactly(SCHED_OTHER, 0);
            assertThat((boolean) r[2]).isFalse();
        }
        assertThat(policyOf(Path.of("/proc/thread-self/stat"))).containsExactly(SCHED_OTHER, 0);
        assertThat(RealTime.isRealTime()).isFalse();
    }

    @Test
    void theDaemonRaisesItsRingConsumersOnlyWhenAskedAndWhereAllowed() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        boolean allowed = probe() == null;
        Path wav = Sox.synth(dir.resolve("a.wav"), 16_000, 16, "signed-integer", 1, 20);
        for (String priority : new String[] {"normal", "realtime"}) {
            Path store = dir.resolve("store-" + priority);
            String yaml = "store:\n  path: " + store + "\n"
                    + "ring:\n  size: 64\n  consumers: 2\n  priority: " + priority + "\n"
                    + "sensors:\n"
                    + "  - {id: a, source: wav, file: " + wav + ", realTime: true, loop: true, seconds: 20}\n"
                    + "  - {id: b, source: tone, seconds: 20}\n";
            WavestashConfig config = ConfigFile.parse("test.yaml", yaml, WavestashConfig::from);
            int expected = priority.equals("realtime") && allowed ? 2 : 0;
            try (IngestDaemon daemon = IngestDaemon.start(
                    config,
                    Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC),
                    io.wavestash.ingest.source.Pacer.system())) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (daemon.realTimeConsumers() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(daemon.realTimeConsumers()).as(priority).isEqualTo(expected);
                List<int[]> ringThreads = new ArrayList<>();
                try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                    for (Path task : tasks.toList()) {
                        if (Files.readString(task.resolve("comm")).startsWith("wavestash-ring")) {
                            ringThreads.add(policyOf(task.resolve("stat")));
                        }
                    }
                }
                assertThat(ringThreads).as(priority).hasSize(2);
                assertThat(ringThreads.stream().filter(p -> p[0] == SCHED_FIFO).count())
                        .as(priority)
                        .isEqualTo(expected);
                Thread.sleep(500); // chunks flow through the raised consumers
                daemon.close();
                assertThat(daemon.lostNothing()).isTrue();
                assertThat(daemon.stats().total(s -> s.chunksStored)).isGreaterThan(4);
            }
        }
    }
}
