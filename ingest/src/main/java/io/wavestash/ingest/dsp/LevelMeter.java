package io.wavestash.ingest.dsp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wavestash.ingest.ring.ChunkMeter;
import io.wavestash.storage.SessionMeta;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Measures every chunk's level in dBFS and whether it is silent (below a threshold), on the thread that publishes
 * it, for the journal (and so the store, as the chunk's annotation), and keeps the metrics (the last level per
 * sensor, silent chunks). A measurement that fails leaves the chunk unmeasured (NaN); it never keeps the chunk
 * from the ring.
 */
public final class LevelMeter implements ChunkMeter {
    private static final Logger LOG = Logger.getLogger(LevelMeter.class.getName());

    private final MeterRegistry registry;
    private final double silenceDbfs;
    private final Map<String, SensorLevel> sensors = new ConcurrentHashMap<>();

    public LevelMeter(MeterRegistry registry, double silenceDbfs) {
        this.registry = registry;
        this.silenceDbfs = silenceDbfs;
    }

    @Override
    public void session(SessionMeta meta) {
        sensors.computeIfAbsent(meta.sensor().value(), this::meters).level = new Level(meta.format());
    }

    @Override
    public float dbfs(String sensor, byte[] bytes, int offset, int length) {
        SensorLevel s = sensors.get(sensor);
        Level level = s == null ? null : s.level;
        if (level == null) {
            return Float.NaN;
        }
        try {
            synchronized (level) { // reuses a buffer for float samples; a sensor's source is one thread at a time
                return (float) level.dbfs(bytes, offset, length);
            }
        } catch (RuntimeException e) {
            if (!s.failed) {
                s.failed = true;
                LOG.warning("cannot measure the level of a chunk of sensor " + sensor + ": " + e);
            }
            return Float.NaN;
        }
    }

    @Override
    public boolean silent(float dbfs) {
        return dbfs < silenceDbfs;
    }

    @Override
    public void taken(String sensor, float dbfs, boolean silent) {
        SensorLevel s = sensors.get(sensor);
        if (s == null || Float.isNaN(dbfs)) {
            return;
        }
        s.last.set(Double.doubleToLongBits(dbfs));
        if (silent) {
            s.silent.increment();
        }
    }

    private SensorLevel meters(String sensor) {
        SensorLevel s = new SensorLevel();
        Gauge.builder("wavestash.level.dbfs", s.last, v -> Double.longBitsToDouble(v.get()))
                .description("RMS level of the sensor's latest chunk in dBFS")
                .tag("sensor", sensor)
                .register(registry);
        s.silent = Counter.builder("wavestash.chunks.silent")
                .description("chunks below the silence threshold")
                .tag("sensor", sensor)
                .register(registry);
        return s;
    }

    private static final class SensorLevel {
        final AtomicLong last = new AtomicLong(Double.doubleToLongBits(Double.NaN));
        volatile Level level;
        Counter silent;
        volatile boolean failed;
    }
}
