package io.wavestash.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the daemon, per sensor and in total; the metrics endpoint and the exit status read them. */
public final class IngestStats {
    /** Per-sensor counters. */
    public static final class Sensor {
        public final LongAdder chunksJournaled = new LongAdder();
        public final LongAdder bytesJournaled = new LongAdder();
        /** Of the chunks journaled, those written straight into the store (their records only say where). */
        public final LongAdder chunksPlaced = new LongAdder();

        public final LongAdder chunksStored = new LongAdder();
        public final LongAdder bytesStored = new LongAdder();
        public final LongAdder dropouts = new LongAdder();
        public final LongAdder droppedBytes = new LongAdder();
        /** Chunks the journal's full disk could not take (also counted in dropped bytes). */
        public final LongAdder chunksRefused = new LongAdder();

        /** A chunk journaled ({@code placed}: by where its bytes went in the store). */
        public void journaled(int bytes, boolean placed) {
            chunksJournaled.increment();
            bytesJournaled.add(bytes);
            if (placed) {
                chunksPlaced.increment();
            }
        }

        public void stored(int bytes) {
            chunksStored.increment();
            bytesStored.add(bytes);
        }
    }

    private final Map<String, Sensor> sensors = new ConcurrentHashMap<>();
    public final LongAdder writeFailures = new LongAdder();
    public final LongAdder sourceFailures = new LongAdder();
    /** From a source handing a chunk over to its append to the journal (its acknowledgement). */
    public final Timer captureToDurable;
    /** One chunk written into the store by the materializer. */
    public final Timer storeWrite;

    public IngestStats() {
        this(new SimpleMeterRegistry());
    }

    public IngestStats(MeterRegistry registry) {
        this.captureToDurable = Timer.builder("wavestash.capture.to.durable")
                .description("time from a source handing a chunk over to its journal append (acknowledgement)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.storeWrite = Timer.builder("wavestash.store.write")
                .description("time to write one chunk into the store")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    public Sensor sensor(String id) {
        Sensor s = sensors.get(id); // without the lock computeIfAbsent may take, on every chunk
        return s != null ? s : sensors.computeIfAbsent(id, k -> new Sensor());
    }

    public Map<String, Sensor> sensors() {
        return sensors;
    }

    public void dropout(String sensor, long bytes) {
        Sensor s = sensor(sensor);
        s.dropouts.increment();
        s.droppedBytes.add(bytes);
    }

    /** A chunk the journal's disk had no room for: its bytes are dropped. */
    public void refused(String sensor, long bytes) {
        Sensor s = sensor(sensor);
        s.chunksRefused.increment();
        s.droppedBytes.add(bytes);
    }

    public long total(java.util.function.Function<Sensor, LongAdder> counter) {
        return sensors.values().stream().mapToLong(s -> counter.apply(s).sum()).sum();
    }
}
