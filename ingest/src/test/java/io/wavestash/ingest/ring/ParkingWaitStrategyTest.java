package io.wavestash.ingest.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ring's wait strategy with parks bounded by an hour, so that only a producer's (or a halt's) wake-up ends
 * one: a wake-up lost would leave events unhandled and the test would time out.
 */
class ParkingWaitStrategyTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    /** An event: which producer published it, and its number there. */
    private static final class Event {
        int producer;
        long number;
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyEventOfManyProducersIsHandledInOrderAndAHaltWakesTheConsumer() throws Exception {
        int producers = 8;
        int perProducer = 20_000;
        RingBuffer<Event> ring = RingBuffer.createMultiProducer(Event::new, 64, new ParkingWaitStrategy(HOUR));
        AtomicLongArray next = new AtomicLongArray(producers); // the number each producer's next event must have
        List<String> outOfOrder = new ArrayList<>();
        EventHandler<Event> handler = (event, sequence, endOfBatch) -> {
            if (next.get(event.producer) != event.number) {
                outOfOrder.add(event.producer + ":" + event.number);
            }
            next.set(event.producer, event.number + 1);
        };
        BatchEventProcessor<Event> consumer = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
        ring.addGatingSequences(consumer.getSequence());
        Thread consuming = new Thread(consumer, "consumer");
        consuming.start();

        List<Thread> publishing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n = 0; n < perProducer; n++) {
                    long seq = ring.next();
                    Event e = ring.get(seq);
                    e.producer = producer;
                    e.number = n;
                    ring.publish(seq);
                    if (random.nextInt(100) == 0) {
                        LockSupport.parkNanos(random.nextLong(1_000, 200_000)); // let the consumer go idle and park
                    }
                }
            });
            t.start();
            publishing.add(t);
        }
        for (Thread t : publishing) {
            t.join();
        }
        while (consumer.getSequence().get() < ring.getCursor()) {
            Thread.sleep(1);
        }
        for (int p = 0; p < producers; p++) {
            assertThat(next.get(p)).as("events of producer " + p).isEqualTo(perProducer);
        }
        assertThat(outOfOrder).isEmpty();

        // the consumer is parked for up to an hour now; halting it must wake it
        Thread.sleep(50);
        consumer.halt();
        consuming.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(consuming.isAlive()).isFalse();
    }
}
