import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WavExport;
import io.wavestash.storage.query.WaveformQuery;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * Times an in-process window export (query plan + read + WAV encoding, written to a discarding channel):
 * {@code java -cp cli/target/wavestash.jar bench/WindowCost.java STORE SENSOR FROM TO [REPEATS]}.
 * Prints the median and the spread of the repeats.
 */
public class WindowCost {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        SensorId sensor = SensorId.of(args[1]);
        Instant from = Instant.parse(args[2]);
        Instant to = Instant.parse(args[3]);
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 7;
        StoreConfig config = Stores.existing(root).orElseThrow(() -> new IllegalArgumentException("no store at " + root));
        long[] nanos = new long[repeats];
        long bytes = 0;
        try (ChunkStore store = Stores.open(config, Stores.Access.READ)) {
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                SensorWindow window = new WaveformQuery(store).window(sensor, from, to);
                bytes = WavExport.write(window.samples(), new Discard());
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("%s %s..%s: %d bytes, median %.3f s (min %.3f, max %.3f) over %d runs, %.2f GB/s%n", sensor, from, to, bytes,
                nanos[repeats / 2] / 1e9, nanos[0] / 1e9, nanos[repeats - 1] / 1e9, repeats, bytes / (nanos[repeats / 2] / 1e9) / 1e9);
    }

    static final class Discard implements WritableByteChannel {
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        public boolean isOpen() {
            return true;
        }

        public void close() {}
    }
}
