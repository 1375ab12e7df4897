package io.wavestash.ingest.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wavestash.config.Backpressure;
import io.wavestash.ingest.dsp.LevelMeter;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The ring carries each chunk's level as its publisher measured it, and the meter's metrics count what it took. */
class RingTest {
    private static final SampleFormat FORMAT = SampleFormat.pcm(8_000, 16, 1);

    private record Seen(String sensor, long block, float dbfs, boolean silent) {}

    @Test
    void chunksCarryTheLevelTheirPublisherMeasuredAndOnlyTakenChunksCount() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        EventHandler<ChunkEvent> keep = (event, sequence, endOfBatch) -> {
            if (event.kind() == ChunkEvent.Kind.CHUNK) {
                seen.add(new Seen(event.sensor(), event.block(), event.levelDbfs(), event.silent()));
            }
        };
        byte[] loud = square(0.5, 800);
        byte[] quiet = square(0.001, 800);
        try (Ring ring = new Ring(
                4,
                Map.of("loud", Backpressure.BLOCK, "dropping", Backpressure.DROP),
                new Failing(),
                new LevelMeter(registry, -40),
                List.of(keep))) {
            ring.session(new SessionMeta(SensorId.of("loud"), 1_000, FORMAT, 800, "test"));
            assertThat(ring.chunk("loud", 1_000, 0, loud, 0, loud.length)).isTrue();
            assertThat(ring.chunk("loud", 1_000, 1_600, quiet, 0, quiet.length)).isTrue();
            // no session announced: nothing to measure by, and the chunk still goes through
            assertThat(ring.chunk("unknown", 1_000, 0, loud, 0, loud.length)).isTrue();
        }
        assertThat(seen).hasSize(3);
        Seen[] s = seen.toArray(Seen[]::new);
        assertThat(s[0].dbfs()).isCloseTo((float) (20 * Math.log10(0.5)), within(0.01f));
        assertThat(s[0].silent()).isFalse();
        float quietDbfs = (float) (20 * Math.log10(Math.round(0.001 * 32768) / 32768.0));
        assertThat(s[1].dbfs()).isCloseTo(quietDbfs, within(0.01f));
        assertThat(s[1].silent()).isTrue();
        assertThat(s[2].dbfs()).isNaN();
        assertThat(s[2].silent()).isFalse();
        assertThat(registry.get("wavestash.chunks.silent")
                        .tag("sensor", "loud")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("wavestash.level.dbfs")
                        .tag("sensor", "loud")
                        .gauge()
                        .value())
                .isCloseTo(quietDbfs, within(0.01));
    }

    @Test
    void aChunkTheRingRefusesIsNotCountedAsSilent() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        EventHandler<ChunkEvent> blocked = (event, sequence, endOfBatch) -> release.await();
        byte[] quiet = square(0.001, 800);
        int taken = 0;
        try (Ring ring = new Ring(
                4,
                Map.of("dropping", Backpressure.DROP),
                new Failing(),
                new LevelMeter(registry, -40),
                List.of(blocked))) {
            ring.session(new SessionMeta(SensorId.of("dropping"), 1_000, FORMAT, 800, "test"));
            for (int i = 0; i < 10; i++) {
                if (ring.chunk("dropping", 1_000, i * 1_600L, quiet, 0, quiet.length)) {
                    taken++;
                }
            }
            release.countDown();
        }
        assertThat(taken).isBetween(1, 4);
        assertThat(registry.get("wavestash.chunks.silent")
                        .tag("sensor", "dropping")
                        .counter()
                        .count())
                .isEqualTo(taken);
    }

    private record Handled(String thread, int consumer, String sensor, long block) {}

    @Test
    void splitAmongConsumersEachSensorGoesThroughOneOfThemInOrderAndNothingIsLost() throws Exception {
        int sensors = 6;
        int chunks = 2_000;
        Map<String, Backpressure> policies = new java.util.HashMap<>();
        for (int i = 0; i < sensors; i++) {
            policies.put("s" + i, Backpressure.BLOCK);
        }
        ConcurrentLinkedQueue<Handled> handled = new ConcurrentLinkedQueue<>();
        java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
        byte[] chunk = new byte[64];
        try (Ring ring = new Ring(
                16,
                2,
                policies,
                new Failing(),
                ChunkMeter.NONE,
                consumer -> List.of((event, sequence, endOfBatch) -> handled.add(
                        new Handled(Thread.currentThread().getName(), consumer, event.sensor(), event.block()))),
                () -> started.add(Thread.currentThread().getName()))) {
            assertThat(ring.consumers()).isEqualTo(2);
            assertThat(ring.size()).isEqualTo(16);
            List<Thread> publishers = new java.util.ArrayList<>();
            // one more sensor than configured: it still has a consumer of its own
            for (int i = 0; i <= sensors; i++) {
                String sensor = "s" + i;
                publishers.add(new Thread(() -> {
                    for (int c = 0; c < chunks; c++) {
                        assertThat(ring.chunk(sensor, 1, c * 64L, chunk, 0, 64)).isTrue();
                    }
                }));
            }
            publishers.forEach(Thread::start);
            for (Thread t : publishers) {
                t.join();
            }
        } // closing waits until both consumers handled everything
        assertThat(handled).hasSize((sensors + 1) * chunks);
        Map<String, List<Handled>> bySensor =
                handled.stream().collect(java.util.stream.Collectors.groupingBy(Handled::sensor));
        assertThat(bySensor).hasSize(sensors + 1);
        java.util.Set<String> threads = new java.util.HashSet<>();
        int[] sensorsOf = new int[2];
        for (var e : bySensor.entrySet()) {
            List<Handled> events = e.getValue();
            assertThat(events)
                    .extracting(Handled::thread)
                    .as(e.getKey())
                    .containsOnly(events.get(0).thread());
            assertThat(events)
                    .extracting(Handled::consumer)
                    .as(e.getKey())
                    .containsOnly(events.get(0).consumer());
            assertThat(events)
                    .extracting(Handled::block)
                    .as(e.getKey())
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, chunks)
                            .mapToObj(c -> c * 64L)
                            .toList());
            threads.add(events.get(0).thread());
            if (!e.getKey().equals("s" + sensors)) {
                sensorsOf[events.get(0).consumer()]++;
            }
        }
        assertThat(threads).containsExactlyInAnyOrder("wavestash-ring-0", "wavestash-ring-1");
        assertThat(started).as("each consumer ran onStart").containsExactlyInAnyOrderElementsOf(threads);
        assertThat(sensorsOf).as("configured sensors dealt out evenly").containsExactly(3, 3);
    }

    @Test
    void aRingTooSmallToSplitIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new Ring(4, 3, Map.of(), new Failing(), ChunkMeter.NONE, consumer -> List.of(), () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 slots")
                .hasMessageContaining("3 consumers");
    }

    /** A 16-bit little-endian square wave of {@code frames} frames at {@code amplitude} of full scale. */
    private static byte[] square(double amplitude, int frames) {
        ByteBuffer b = ByteBuffer.allocate(2 * frames).order(ByteOrder.LITTLE_ENDIAN);
        short v = (short) Math.round(amplitude * 32768);
        for (int i = 0; i < frames; i++) {
            b.putShort(i % 20 < 10 ? v : (short) -v);
        }
        return b.array();
    }

    /** Fails the test through its assertions: no handler here throws. */
    private static final class Failing implements ExceptionHandler<ChunkEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, ChunkEvent event) {
            throw new AssertionError("a handler failed", ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            throw new AssertionError(ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            throw new AssertionError(ex);
        }
    }
}
