package io.wavestash.bench.jmh;

import io.wavestash.config.Codec;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.key.ChunkKey;
import io.wavestash.storage.key.KeyTemplate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A key template turning a typed key into its string and back, for the default and the talk's templates. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyTemplateBench {
    @Param({"default", "talk", "device"})
    public String template;

    private KeyTemplate keys;
    private ChunkKey key;
    private String text;

    @Setup
    public void setUp() {
        String spec =
                switch (template) {
                    case "default" -> StoreConfig.defaultTemplate(Layout.CHUNKS, Codec.RAW);
                    case "talk" -> "{session}/{sensor}/{block}";
                    case "device" -> "{device}/{sensor}/{session:yyyy}/{session:MM}/{session:dd}/{session:iso}/{block:014d}.pcm";
                    default -> throw new IllegalArgumentException(template);
                };
        keys = KeyTemplate.of(spec);
        key = new ChunkKey(
                keys.hasDevice() ? "edge-1" : null, SensorId.of("porch"), 1_795_000_000_000_000L, 123_456_000L);
        text = keys.format(key);
    }

    @Benchmark
    public String format() {
        return keys.format(key);
    }

    @Benchmark
    public ChunkKey parse() {
        return keys.parse(text);
    }
}
