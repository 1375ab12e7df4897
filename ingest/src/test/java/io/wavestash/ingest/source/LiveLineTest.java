package io.wavestash.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.ClockConfig;
import io.wavestash.storage.SessionMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A live line simulated on its own timeline (a device clock, a line buffer, a reader that stalls), read through
 * the real {@link SourceLoop}: what the loop publishes says where frames were lost and keeps later samples at
 * their true time.
 */
class LiveLineTest {
    static final int RATE = 48_000;
    static final int CHUNK = 4_800; // 100 ms
    static final int BUFFER = 24_000; // 0.5 s
    static final long SECOND = 1_000_000_000L;

    /** What the loop handed over. */
    static final class Recorder implements Publisher {
        final List<long[]> chunks = new ArrayList<>();
        final List<long[]> dropouts = new ArrayList<>();
        final List<long[]> anchors = new ArrayList<>();

        @Override
        public void session(SessionMeta meta) {}

        @Override
        public boolean chunk(String sensor, long session, long block, byte[] bytes, int offset, int length) {
            chunks.add(new long[] {block / 2, length / 2});
            return true;
        }

        @Override
        public boolean dropout(String sensor, long session, long fromBlock, long toBlock) {
            dropouts.add(new long[] {fromBlock / 2, toBlock / 2});
            return true;
        }

        @Override
        public boolean anchor(String sensor, long session, long frame, long offsetNanos) {
            anchors.add(new long[] {frame, offsetNanos});
            return true;
        }
    }

    static final class SimClock implements Pacer {
        long now;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void awaitNanos(long deadline) {
            now = Math.max(now, deadline);
        }
    }

    enum OnOverrun {
        KEEPS_BUFFER,
        EMPTIES_BUFFER
    }

    /**
     * Reads {@code seconds} of a 16-bit mono line whose reader stalls from {@code stallAt} for {@code stall}
     * seconds; returns what was published. Delivery is 5 ms after capture plus up to 3 ms of jitter.
     */
    static Recorder run(double seconds, double stallAt, double stall, OnOverrun mode) throws Exception {
        Recorder out = new Recorder();
        SimClock clock = new SimClock();
        SourceLoop loop = new SourceLoop("mic", 0, 2, RATE, Long.MAX_VALUE, null, out)
                .watchClock(clock, ClockConfig.defaults(), BUFFER, CHUNK);
        Random jitter = new Random(7);
        byte[] chunk = new byte[CHUNK * 2];
        long captured = 0; // frames the device captured into the buffer (its clock: exact)
        long readerFreeAt = 0;
        long stallStart = (long) (stallAt * SECOND);
        long stallEnd = (long) ((stallAt + stall) * SECOND);
        boolean stalled = false;
        while (captured < seconds * RATE) {
            long capturedAt = (captured + CHUNK) * SECOND / RATE; // when this chunk's last frame was captured
            long deliver = Math.max(capturedAt + 5_000_000 + jitter.nextInt(3_000_000), readerFreeAt);
            if (!stalled && capturedAt > stallStart) {
                stalled = true;
                // the reader is away until stallEnd; the buffer fills after BUFFER frames and the line overruns
                long bufferFullAt = stallStart + (long) BUFFER * SECOND / RATE;
                long keptUntilFrame = mode == OnOverrun.KEEPS_BUFFER ? bufferFullAt * RATE / SECOND : 0;
                if (stallEnd > bufferFullAt) {
                    long readFrom = captured;
                    if (mode == OnOverrun.KEEPS_BUFFER) {
                        for (long f = readFrom; f < keptUntilFrame; f += CHUNK) {
                            clock.now = stallEnd + (f - readFrom) / CHUNK * 100_000; // read back to back
                            loop.emit(chunk, chunk.length);
                        }
                    }
                    // capture starts again when the reader recovers the line
                    captured = stallEnd * RATE / SECOND;
                    captured -= captured % CHUNK;
                    readerFreeAt = stallEnd;
                    continue;
                }
                readerFreeAt = stallEnd;
                deliver = Math.max(deliver, readerFreeAt);
            }
            clock.now = deliver;
            loop.emit(chunk, chunk.length);
            captured += CHUNK;
        }
        loop.finish();
        return out;
    }

    @Test
    void aLineThatKeepsItsBufferLosesTheStallLessTheBuffer() throws Exception {
        Recorder r = run(120, 60, 3, OnOverrun.KEEPS_BUFFER);
        // frames 60.0 .. 60.5 s were in the buffer and come first; 60.5 .. 63.0 s were never captured
        assertThat(r.dropouts).hasSize(1);
        assertThat(r.dropouts.get(0)[0]).isEqualTo(60_500_000L * RATE / 1_000_000);
        assertThat(r.dropouts.get(0)[1] - r.dropouts.get(0)[0]).isCloseTo(2_500_000L * RATE / 1_000_000, within());
        assertSamplesKeepTheirTime(r, 120);
    }

    @Test
    void aLineThatEmptiesItsBufferLosesTheWholeStall() throws Exception {
        Recorder r = run(120, 60, 3, OnOverrun.EMPTIES_BUFFER);
        assertThat(r.dropouts).hasSize(1);
        assertThat(r.dropouts.get(0)[0]).isEqualTo(60L * RATE);
        assertThat(r.dropouts.get(0)[1] - r.dropouts.get(0)[0]).isCloseTo(3L * RATE, within());
        assertSamplesKeepTheirTime(r, 120);
    }

    @Test
    void aStallTheBufferAbsorbsLosesNothingAndASteadyClockNeedsNoAnchors() throws Exception {
        Recorder r = run(120, 60, 0.3, OnOverrun.EMPTIES_BUFFER);
        assertThat(r.dropouts).isEmpty();
        assertThat(r.anchors).isEmpty();
        assertThat(r.chunks).hasSize(1200);
        assertSamplesKeepTheirTime(r, 120);
    }

    /** Chunks are contiguous around the dropouts and end where the device's clock says. */
    private static void assertSamplesKeepTheirTime(Recorder r, double seconds) {
        long next = 0;
        int d = 0;
        for (long[] c : r.chunks) {
            if (d < r.dropouts.size() && r.dropouts.get(d)[0] == next) {
                next = r.dropouts.get(d++)[1];
            }
            assertThat(c[0]).isEqualTo(next);
            next = c[0] + c[1];
        }
        assertThat(d).isEqualTo(r.dropouts.size());
        assertThat(next).isCloseTo((long) (seconds * RATE), within());
    }

    /** 10 ms: what the delivery jitter and the chunk grid allow. */
    private static org.assertj.core.data.Offset<Long> within() {
        return org.assertj.core.data.Offset.offset(RATE / 100L);
    }
}
