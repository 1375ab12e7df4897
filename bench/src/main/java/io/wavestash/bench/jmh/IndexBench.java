package io.wavestash.bench.jmh;

import io.wavestash.storage.index.ChunkRuns;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Availability-index lookups on one day of a 48 kHz 16-bit mono sensor in 100 ms chunks (864,000 chunks):
 * recorded without a break, or with a dropout every 86 s (1,000 runs). A query plans a window by finding the
 * chunk at its start and the present ranges inside it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IndexBench {
    private static final int CHUNK = 9_600;
    private static final long CHUNKS = 864_000;
    private static final long HOUR = 3_600L * 96_000;

    @Param({"1", "1000"})
    public int runs;

    private ChunkRuns index;
    private long[] offsets;
    private int next;

    @Setup
    public void setUp() {
        index = new ChunkRuns();
        long every = CHUNKS / runs;
        for (long c = 0; c < CHUNKS; c++) {
            if (runs == 1 || c % every != every - 1) {
                index.add(c * CHUNK, CHUNK);
            }
        }
        if (index.runCount() != runs) {
            throw new IllegalStateException("expected " + runs + " runs, built " + index.runCount());
        }
        SplittableRandom random = new SplittableRandom(42);
        offsets = new long[1024];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = random.nextLong(CHUNKS * CHUNK - HOUR);
        }
    }

    @Benchmark
    public ChunkRuns.Chunk chunkAt() {
        return index.chunkAt(offsets[next++ & 1023]);
    }

    /** The present byte ranges of a one-hour window. */
    @Benchmark
    public List<long[]> hourRanges() {
        long from = offsets[next++ & 1023];
        return index.presentRanges(from, from + HOUR);
    }
}
