package io.wavestash.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundTest {
    /** The calling thread's nice value as the kernel reports it (field 19 of its stat line). */
    private static int niceOfThisThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // fields from the state on: the state is field 3, nice is 19
    }

    @Test
    void backgroundThreadsRunTenNiceLevelsBelowTheProcessAndOthersKeepTheirs() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        int creator = niceOfThisThread();
        ExecutorService background = Executors.newSingleThreadExecutor(Background.threads("test-background"));
        try {
            CompletableFuture<int[]> seen = new CompletableFuture<>();
            background.execute(() -> {
                try {
                    int own = niceOfThisThread();
                    // a thread a background thread starts inherits its priority, and lowering it again keeps it
                    int[] started = new int[2];
                    Thread child = new Thread(() -> {
                        try {
                            started[0] = niceOfThisThread();
                            Background.lowerPriority();
                            started[1] = niceOfThisThread();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    child.start();
                    child.join();
                    seen.complete(new int[] {own, started[0], started[1]});
                } catch (IOException | InterruptedException | RuntimeException e) {
                    seen.completeExceptionally(e);
                }
            });
            int lowered = Math.min(19, creator + Background.NICE);
            assertThat(seen.get(10, TimeUnit.SECONDS)).containsExactly(lowered, lowered, lowered);
        } finally {
            background.shutdownNow();
        }
        CompletableFuture<Integer> plain = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try {
                plain.complete(niceOfThisThread());
            } catch (IOException e) {
                plain.completeExceptionally(e);
            }
        });
        other.start();
        assertThat(plain.get(10, TimeUnit.SECONDS)).isEqualTo(creator);
        assertThat(niceOfThisThread()).isEqualTo(creator);
    }
}
