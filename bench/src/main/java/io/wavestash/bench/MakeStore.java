package io.wavestash.bench;

import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes a store to query: one session of {@code --seconds} of a 48 kHz 16-bit mono WAV file, looped, in 100 ms
 * chunks, as the daemon writes them (without forcing each batch to the disk: the caller syncs once).
 *
 * <p>{@code java -cp ... io.wavestash.bench.MakeStore --store DIR --layout chunks|segments --wav FILE --start T
 * --seconds N [--sensor ID]}
 */
public final class MakeStore {
    private MakeStore() {}

    public static void main(String[] argv) {
        Args args = new Args(argv);
        Layout layout = Layout.valueOf(args.text("layout", "chunks").toUpperCase(Locale.ROOT));
        StoreConfig config = Stored.config(Path.of(args.text("store", null)), layout, Codec.RAW, FsyncPolicy.NEVER);
        long start = System.nanoTime();
        try (ChunkStore store = Stored.fill(
                config,
                SensorId.of(args.text("sensor", "mic")),
                Instant.parse(args.text("start", null)),
                args.integer("seconds", 3600),
                Stored.wavSamples(Path.of(args.text("wav", null))))) {
            Report.put("seconds_to_write", (System.nanoTime() - start) / 1e9);
        }
    }
}
