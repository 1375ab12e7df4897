package io.wavestash.bench;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WavExport;
import io.wavestash.storage.query.WaveformQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Times a window export in this process: the query plan, the reads and the WAV encoding, written to a channel
 * that discards it. The store is opened once; {@code --warmup} untimed runs come first.
 *
 * <p>With {@code --handoff FILE}, the program creates FILE after the warm-up and waits until it is deleted before
 * the timed runs: the caller drops the store from the page cache meanwhile, so the timed run reads it from the
 * disk in a process whose code has already run, as a server's does.
 *
 * <p>{@code java -cp ... io.wavestash.bench.WindowRun --store DIR --sensor ID --from T --to T [--repeats N]
 * [--warmup N] [--handoff FILE]}
 */
public final class WindowRun {
    private WindowRun() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path root = Path.of(args.text("store", null));
        SensorId sensor = SensorId.of(args.text("sensor", null));
        Instant from = Instant.parse(args.text("from", null));
        Instant to = Instant.parse(args.text("to", null));
        int repeats = args.integer("repeats", 5);
        int warmup = args.integer("warmup", 1);
        String handoff = args.text("handoff", "");
        StoreConfig config =
                Stores.existing(root).orElseThrow(() -> new IllegalArgumentException("no store at " + root));
        long[] nanos = new long[repeats];
        long bytes = 0;
        try (ChunkStore store = Stores.open(config, Stores.Access.READ)) {
            for (int i = -warmup; i < repeats; i++) {
                if (i == 0 && !handoff.isEmpty()) {
                    handOff(Path.of(handoff));
                }
                long start = System.nanoTime();
                SensorWindow window = new WaveformQuery(store).window(sensor, from, to);
                bytes = WavExport.write(window.samples(), new Discard());
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
        }
        Arrays.sort(nanos);
        double median = nanos[repeats / 2] / 1e9;
        Report.put("bytes", bytes);
        Report.put("seconds_median", median);
        Report.put("seconds_min", nanos[0] / 1e9);
        Report.put("seconds_max", nanos[repeats - 1] / 1e9);
        Report.put("mb_per_s", bytes / median / 1e6);
        Report.put("heap_max_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    /** Creates {@code file} and returns once the caller has deleted it (within ten minutes). */
    private static void handOff(Path file) throws IOException, InterruptedException {
        Files.createFile(file);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("--handoff " + file + " was not deleted within ten minutes");
            }
            Thread.sleep(5);
        }
    }
}
