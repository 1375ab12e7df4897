package io.wavestash.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The ingest daemon: its sensors, the journal that acknowledges chunks, and the ring between them.
 *
 * @param sensors the sensors to record
 * @param journalPath directory of the Chronicle Queue journal (null: {@code <store>/@wavestash/journal})
 * @param ringSize slots in the ring (a power of two)
 * @param metricsPort port of the HTTP metrics endpoint, 0 for none
 * @param metricsBind address the metrics endpoint listens on
 * @param silenceDbfs chunks quieter than this RMS level (dBFS) count as silent
 * @param retention what the daemon deletes to keep room
 * @param clock how real-time sources record timing anchors
 */
public record IngestConfig(
        List<SensorConfig> sensors,
        Path journalPath,
        int ringSize,
        int metricsPort,
        String metricsBind,
        double silenceDbfs,
        RetentionConfig retention,
        ClockConfig clock) {
    public static final int DEFAULT_RING_SIZE = 1024;
    public static final double DEFAULT_SILENCE_DBFS = -60;

    public static IngestConfig none() {
        return new IngestConfig(
                List.of(),
                null,
                DEFAULT_RING_SIZE,
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
}
