package io.wavestash.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest daemon: its sensors, the journal that acknowledges chunks, and the ring between them.
 *
 * @param sensors the sensors to record
 * @param journalPath directory of the Chronicle Queue journal (null: {@code <store>/@wavestash/journal})
 * @param journalCycle how much time one journal file covers; materialized files are deleted a whole file at a
 *     time
 * @param ringSize slots in the ring (a power of two)
 * @param ringConsumers threads that take chunks off the ring and journal them, each for its share of the sensors
 * @param ringPriority how those threads are scheduled
 * @param metricsPort port of the HTTP metrics endpoint, 0 for none
 * @param metricsBind address the metrics endpoint listens on
 * @param silenceDbfs chunks quieter than this RMS level (dBFS) count as silent
 * @param retention what the daemon deletes to keep room
 * @param clock how real-time sources record timing anchors
 */
public record IngestConfig(
        List<SensorConfig> sensors,
        Path journalPath,
        Duration journalCycle,
        int ringSize,
        int ringConsumers,
        RingPriority ringPriority,
        int metricsPort,
        String metricsBind,
        double silenceDbfs,
        RetentionConfig retention,
        ClockConfig clock) {
    public static final int DEFAULT_RING_SIZE = 1024;
    /** Ring slots a sensor gets by default: 1.6 s of 100 ms chunks, what a start-up (a cold JIT) may hold up. */
    public static final int DEFAULT_SLOTS_PER_SENSOR = 16;

    /**
     * The ring size when the config names none: {@value #DEFAULT_RING_SIZE} slots, or {@value
     * #DEFAULT_SLOTS_PER_SENSOR} a sensor when there are more than 64 (a slot holds its chunk only once used).
     */
    public static int defaultRingSize(int sensors) {
        long wanted = Math.max(DEFAULT_RING_SIZE, (long) sensors * DEFAULT_SLOTS_PER_SENSOR);
        return (int) Math.min(1 << 20, Long.highestOneBit(wanted - 1) << 1);
    }

    /** Sensors a consumer of the ring takes by default: at 100 ms chunks, 5,000 chunks a second. */
    public static final int SENSORS_PER_CONSUMER = 500;

    /** The most consumers a ring may have. */
    public static final int MAX_RING_CONSUMERS = 64;

    /**
     * The ring's consumers when the config names none: one for every {@value #SENSORS_PER_CONSUMER} sensors configured,
     * at most one a processor.
     */
    public static int defaultRingConsumers(int sensors, int processors) {
        int wanted = (sensors + SENSORS_PER_CONSUMER - 1) / SENSORS_PER_CONSUMER;
        return Math.max(1, Math.min(Math.min(wanted, processors), MAX_RING_CONSUMERS));
    }

    public static final double DEFAULT_SILENCE_DBFS = -60;
    public static final Duration DEFAULT_JOURNAL_CYCLE = Duration.ofMinutes(5);

    /** The journal cycles there are, by how they are written in a config file. */
    public static final Map<String, Duration> JOURNAL_CYCLES = journalCycles();

    public static IngestConfig none() {
        return new IngestConfig(
                List.of(),
                null,
                DEFAULT_JOURNAL_CYCLE,
                DEFAULT_RING_SIZE,
                1,
                RingPriority.NORMAL,
                0,
                "127.0.0.1",
                DEFAULT_SILENCE_DBFS,
                RetentionConfig.none(),
                ClockConfig.defaults());
    }

    /** The journal directory, defaulting to one inside the store. */
    public Path journal(StoreConfig store) {
        return journalPath != null
                ? journalPath
                : store.path().resolve("@wavestash").resolve("journal");
    }

    private static Map<String, Duration> journalCycles() {
        Map<String, Duration> cycles = new LinkedHashMap<>();
        cycles.put("1s", Duration.ofSeconds(1));
        for (int minutes : new int[] {1, 5, 10, 20, 30}) {
            cycles.put(minutes + "m", Duration.ofMinutes(minutes));
        }
        for (int hours : new int[] {1, 2, 4, 6}) {
            cycles.put(hours + "h", Duration.ofHours(hours));
        }
        cycles.put("1d", Duration.ofDays(1));
        return Collections.unmodifiableMap(cycles);
    }
}
