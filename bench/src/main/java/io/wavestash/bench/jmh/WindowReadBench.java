package io.wavestash.bench.jmh;

import io.wavestash.bench.Discard;
import io.wavestash.bench.Stored;
import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WavExport;
import io.wavestash.storage.query.WaveformQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A one-minute window (48 kHz 16-bit mono, 5.76 MB) planned, read and encoded as WAV, warm, from ten minutes
 * recorded in 100 ms chunks, for each layout: one object per chunk as raw PCM or as WAV, and segment files.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WindowReadBench {
    private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

    @Param({"chunks-raw", "chunks-wav", "segments"})
    public String layout;

    private Path dir;
    private ChunkStore store;
    private final SensorId sensor = SensorId.of("mic");

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("wavestash-bench");
        Layout l = layout.startsWith("chunks") ? Layout.CHUNKS : Layout.SEGMENTS;
        Codec codec = layout.endsWith("wav") ? Codec.WAV : Codec.RAW;
        store = Stored.fill(Stored.config(dir, l, codec, FsyncPolicy.BATCH), sensor, START, 600, Stored.noise(60));
    }

    @TearDown
    public void tearDown() throws IOException {
        store.close();
        Stored.delete(dir);
    }

    @Benchmark
    public long minute() throws IOException {
        SensorWindow window =
                new WaveformQuery(store).window(sensor, START.plusMillis(123_456), START.plusMillis(183_456));
        return WavExport.write(window.samples(), new Discard());
    }
}
