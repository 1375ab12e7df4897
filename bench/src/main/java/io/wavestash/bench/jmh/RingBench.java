package io.wavestash.bench.jmh;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import io.wavestash.config.Backpressure;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.ingest.ring.ChunkMeter;
import io.wavestash.ingest.ring.Ring;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The capture ring: a source publishing chunks (each copied into its ring slot) to a consumer on another
 * thread that reads every byte, as the journal's append does. One operation is one chunk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RingBench {
    private static final String SENSOR = "mic";

    /** 100 ms of 48 kHz 16-bit mono, and a 64 KiB chunk. */
    @Param({"9600", "65536"})
    public int chunkBytes;

    private Ring ring;
    private byte[] chunk;
    private long block;

    @Setup(Level.Trial)
    public void start() {
        chunk = new byte[chunkBytes];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31);
        }
        ring = new Ring(
                1024, Map.of(SENSOR, Backpressure.BLOCK), new Failures(), ChunkMeter.NONE, List.of(new Reader()));
    }

    @TearDown(Level.Trial)
    public void stop() {
        ring.close();
    }

    @Benchmark
    public boolean publish() {
        boolean taken = ring.chunk(SENSOR, 1L, block, chunk, 0, chunkBytes);
        block += chunkBytes;
        return taken;
    }

    /** Reads every byte of every chunk, so the copy cannot be skipped. */
    static final class Reader implements EventHandler<ChunkEvent> {
        long sum;

        @Override
        public void onEvent(ChunkEvent event, long sequence, boolean endOfBatch) {
            byte[] data = event.data();
            long s = sum;
            for (int i = 0, n = event.length(); i < n; i += 8) {
                s += data[i];
            }
            sum = s;
        }
    }

    static final class Failures implements ExceptionHandler<ChunkEvent> {
        @Override
        public void handleEventException(Throwable e, long sequence, ChunkEvent event) {
            throw new IllegalStateException(e);
        }

        @Override
        public void handleOnStartException(Throwable e) {
            throw new IllegalStateException(e);
        }

        @Override
        public void handleOnShutdownException(Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
