package io.wavestash.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.ClockConfig;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.testing.Sox;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many paced sources on one thread, on a clock that jumps to each deadline (the run takes no real time): each
 * emits all of its audio, in order, each chunk no sooner than it is due and at most a quantum later, the chunks of
 * all of them in the order they fall due; one that fails ends alone.
 */
class SharedPacingTest {
    @TempDir
    Path dir;

    /** What the sources handed over, with the clock's time at each chunk. */
    static final class Recorder implements Publisher {
        final LiveLineTest.SimClock clock;
        final Map<String, SessionMeta> sessions = new HashMap<>();
        final Map<String, ByteArrayOutputStream> bytes = new HashMap<>();
        final List<Object[]> chunks = new ArrayList<>(); // sensor, block, length, clock
        Runnable onChunk = () -> {};

        Recorder(LiveLineTest.SimClock clock) {
            this.clock = clock;
        }

        @Override
        public void session(SessionMeta meta) {
            sessions.put(meta.sensor().value(), meta);
        }

        @Override
        public boolean chunk(String sensor, long session, long block, byte[] data, int offset, int length) {
            ByteArrayOutputStream out = bytes.computeIfAbsent(sensor, s -> new ByteArrayOutputStream());
            assertThat(block)
                    .as("%s chunk at byte %d follows the one before", sensor, block)
                    .isEqualTo(out.size());
            out.write(data, offset, length);
            chunks.add(new Object[] {sensor, block, length, clock.now});
            onChunk.run();
            return true;
        }

        @Override
        public boolean dropout(String sensor, long session, long fromBlock, long toBlock) {
            throw new AssertionError("no dropout expected, " + sensor + " " + fromBlock + ".." + toBlock);
        }

        @Override
        public boolean anchor(String sensor, long session, long frame, long offsetNanos) {
            return true;
        }
    }

    @Test
    void manySourcesOnOneThreadEachEmitEverythingWhenDueInTheOrderItFallsDue() throws Exception {
        LiveLineTest.SimClock clock = new LiveLineTest.SimClock();
        Recorder out = new Recorder(clock);
        Map<String, byte[]> expected = new HashMap<>();
        Map<String, Integer> frameBytes = new HashMap<>();
        List<SteppedSource> sources = new ArrayList<>();
        Path voice = Sox.synth(dir.resolve("voice.wav"), 16_000, 16, "signed-integer", 1, 1.3);
        Path chirp = Sox.synth(dir.resolve("chirp.wav"), 44_100, 24, "signed-integer", 2, 0.7);
        for (int i = 0; i < 30; i++) {
            String id = "s" + i;
            if (i % 3 == 2) {
                SampleFormat format = SampleFormat.pcm(8_000 + 1_000 * i, 16, 1 + i % 2);
                ToneSource tone = new ToneSource(
                        SensorId.of(id),
                        format,
                        440,
                        20 + 10 * i,
                        true,
                        4_000 + 333L * i,
                        Clock.systemUTC(),
                        clock,
                        ClockConfig.defaults(),
                        0);
                sources.add(tone);
                byte[] pcm = new byte[(4_000 + 333 * i) * format.frameBytes()];
                tone.fill(pcm, 0, 4_000 + 333 * i);
                expected.put(id, pcm);
                frameBytes.put(id, format.frameBytes());
            } else {
                Path file = i % 3 == 0 ? voice : chirp;
                // looping, cut at 2.1 s: every file is read through more than once
                sources.add(new WavFileSource(
                        SensorId.of(id),
                        file,
                        15 + 7 * i,
                        true,
                        true,
                        null,
                        Clock.systemUTC(),
                        clock,
                        Duration.ofMillis(2_100),
                        ClockConfig.defaults(),
                        0));
                byte[] once = Sox.dataOf(file);
                int frame = i % 3 == 0 ? 2 : 6;
                int rate = i % 3 == 0 ? 16_000 : 44_100;
                byte[] looped = new byte[Math.toIntExact(2_100L * rate / 1000 * frame)];
                for (int at = 0; at < looped.length; at += once.length) {
                    System.arraycopy(once, 0, looped, at, Math.min(once.length, looped.length - at));
                }
                expected.put(id, looped);
                frameBytes.put(id, frame);
            }
        }
        Map<String, Exception> failures = new ConcurrentHashMap<>();
        List<String> ended = new ArrayList<>();
        new SharedPacing(
                        sources,
                        out,
                        clock,
                        (s, e) -> failures.put(s.sensor().value(), e),
                        s -> ended.add(s.sensor().value()))
                .run();

        assertThat(failures).isEmpty();
        assertThat(ended).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
            assertThat(out.bytes.get(e.getKey()).toByteArray())
                    .as("audio of %s", e.getKey())
                    .isEqualTo(e.getValue());
        }
        // each chunk went out once the clock reached the instant its last frame was captured, and no chunk went
        // out before one that fell due sooner
        long last = Long.MIN_VALUE;
        for (Object[] c : out.chunks) {
            String id = (String) c[0];
            SessionMeta meta = out.sessions.get(id);
            long framesAfter = ((long) c[1] + (int) c[2]) / frameBytes.get(id);
            long due = ClockTracker.nominalNanos(framesAfter, meta.format().sampleRateHz());
            assertThat((long) c[3])
                    .as("%s chunk at byte %d", id, c[1])
                    .isBetween(due, due + SharedPacing.QUANTUM_NANOS);
            assertThat(due)
                    .as("%s chunk at byte %d falls due after the chunk before it", id, c[1])
                    .isGreaterThanOrEqualTo(last);
            last = due;
        }
        // the thread woke at most once a quantum: chunks went out in bursts a quantum apart or more
        long[] wakes =
                out.chunks.stream().mapToLong(c -> (long) c[3]).distinct().toArray();
        assertThat(wakes.length).isLessThan(out.chunks.size());
        for (int i = 1; i < wakes.length; i++) {
            assertThat(wakes[i] - wakes[i - 1]).isGreaterThanOrEqualTo(SharedPacing.QUANTUM_NANOS);
        }
    }

    @Test
    void aSourceThatFailsEndsAloneAndAStoppedOneEndsAtItsNextChunk() throws Exception {
        LiveLineTest.SimClock clock = new LiveLineTest.SimClock();
        Recorder out = new Recorder(clock);
        SampleFormat format = SampleFormat.pcm(16_000, 16, 1);
        ToneSource steady = new ToneSource(
                SensorId.of("steady"),
                format,
                440,
                100,
                true,
                16_000,
                Clock.systemUTC(),
                clock,
                ClockConfig.defaults(),
                0);
        WavFileSource missing = new WavFileSource(
                SensorId.of("missing"),
                dir.resolve("absent.wav"),
                100,
                true,
                false,
                null,
                Clock.systemUTC(),
                clock,
                null,
                ClockConfig.defaults(),
                0);
        ToneSource endless = new ToneSource(
                SensorId.of("endless"),
                format,
                440,
                100,
                true,
                Long.MAX_VALUE,
                Clock.systemUTC(),
                clock,
                ClockConfig.defaults(),
                0);
        out.onChunk = () -> {
            if (clock.now >= 500_000_000L) {
                endless.stop(); // as the daemon's close would, half a second in
            }
        };
        Map<String, Exception> failures = new ConcurrentHashMap<>();
        List<String> ended = new ArrayList<>();
        new SharedPacing(
                        List.of(missing, steady, endless),
                        out,
                        clock,
                        (s, e) -> failures.put(s.sensor().value(), e),
                        s -> ended.add(s.sensor().value()))
                .run();

        assertThat(failures).containsOnlyKeys("missing");
        assertThat(failures.get("missing")).hasMessageContaining("absent.wav");
        assertThat(ended).containsExactlyInAnyOrder("missing", "steady", "endless");
        assertThat(out.bytes.get("steady").size()).isEqualTo(32_000);
        assertThat(out.bytes.get("endless").size())
                .as("five 100 ms chunks of 16 kHz")
                .isEqualTo(5 * 3_200);
    }
}
