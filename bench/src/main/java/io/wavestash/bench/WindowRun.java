package io.wavestash.bench;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WavExport;
import io.wavestash.storage.query.WaveformQuery;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * Times a window export in this process: the query plan, the reads and the WAV encoding, written to a channel
 * that discards it. The store is opened once; {@code --warmup} untimed runs come first.
 *
 * <p>{@code java -cp ... io.wavestash.bench.WindowRun --store DIR --sensor ID --from T --to T [--repeats N]
 * [--warmup N]}
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
        StoreConfig config =
                Stores.existing(root).orElseThrow(() -> new IllegalArgumentException("no store at " + root));
        long[] nanos = new long[repeats];
        long bytes = 0;
        try (ChunkStore store = Stores.open(config, Stores.Access.READ)) {
            for (int i = -warmup; i < repeats; i++) {
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
}
