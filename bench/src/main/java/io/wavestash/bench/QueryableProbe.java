package io.wavestash.bench;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.index.SessionEntry;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A reader of a store in a process of its own, as a reader beside the ingest daemon is: it polls the store every 10
 * ms, or four times as long as a refresh of its index took (a refresh reads every sensor's index log), and notes
 * when ({@link System#nanoTime}, the same clock in every process of the machine) it first saw each chunk of the
 * last session of each sensor. Once started it creates {@code --out}{@code .ready}. It stops once it saw them all, or when its standard input ends (after one more
 * poll), and writes what it noted to {@code --out}: per sensor, {@code --chunks} longs (0: never seen), then the
 * refresh times' percentiles as {@code reader_refresh_...} lines on its standard output.
 *
 * <p>{@code java -cp ... io.wavestash.bench.QueryableProbe --store DIR --sensors N --chunks C
 * --chunk-bytes B --out FILE}; sensor {@code i} is {@code s%04d}, as {@link IngestRun} names them.
 */
public final class QueryableProbe {
    private QueryableProbe() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path store = Path.of(args.text("store", null));
        int sensors = args.positive("sensors");
        int chunks = args.positive("chunks");
        int chunkBytes = args.positive("chunk-bytes");
        Path out = Path.of(args.text("out", null));
        long[][] seen = new long[sensors][chunks];
        Histogram refreshes = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        Thread watcher = new Thread(QueryableProbe::awaitEndOfInput, "probe-stdin");
        watcher.setDaemon(true);
        watcher.start();
        Files.createFile(out.resolveSibling(out.getFileName() + ".ready")); // the daemon starts once this JVM has
        Optional<StoreConfig> config; // the settings the store was created with, once it is
        while ((config = Stores.existing(store)).isEmpty()) {
            if (!watcher.isAlive()) {
                throw new IllegalStateException("no store was created at " + store);
            }
            Thread.sleep(10);
        }
        long[] seenUpTo = new long[sensors];
        long expected = (long) sensors * chunks;
        long total = 0;
        try (ChunkStore reader = Stores.open(config.get(), Stores.Access.READ)) {
            boolean last = false;
            while (total < expected && !last) {
                last = !watcher.isAlive(); // the daemon closed: one more poll sees all it stored
                long began = System.nanoTime();
                reader.refresh();
                long now = System.nanoTime();
                refreshes.recordValue(now - began);
                for (SensorId sensor : reader.sensors()) {
                    int i = Integer.parseInt(sensor.value().substring(1));
                    Entry<Long, SessionEntry> session = reader.sessions(sensor).lastEntry();
                    if (session == null || i >= sensors) {
                        continue;
                    }
                    long upTo = Math.min(chunks, session.getValue().runs().endByte() / chunkBytes);
                    for (long c = seenUpTo[i]; c < upTo; c++) {
                        seen[i][(int) c] = now;
                        total++;
                    }
                    seenUpTo[i] = Math.max(seenUpTo[i], upTo);
                }
                if (!last) {
                    Thread.sleep(Math.max(10, (now - began) * 4 / 1_000_000));
                }
            }
        }
        write(out, seen);
        Report.put("reader_refresh_count", refreshes.getTotalCount());
        Report.put("reader_refresh_p50_ms", refreshes.getValueAtPercentile(50) / 1e6);
        Report.put("reader_refresh_p99_ms", refreshes.getValueAtPercentile(99) / 1e6);
        Report.put("reader_refresh_max_ms", refreshes.getMaxValue() / 1e6);
    }

    private static void awaitEndOfInput() {
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // nothing is sent: the input ends when the process that started this one closes it or exits
            }
        } catch (IOException e) {
            // ended all the same
        }
    }

    private static void write(Path out, long[][] seen) {
        try (DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(out)))) {
            for (long[] sensor : seen) {
                for (long t : sensor) {
                    o.writeLong(t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }
}
