package io.wavestash.ingest.dsp;

import com.lmax.disruptor.EventHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ring handler before the journal: measures every chunk's level in dBFS and whether it is silent (below a
 * threshold), writes both into the event for the journal (and so the store, as the chunk's annotation), and
 * keeps the metrics (the last level per sensor, silent chunks). It delays the journal by the time to measure
 * one chunk.
 */
public final class LevelHandler implements EventHandler<ChunkEvent> {
    private final MeterRegistry registry;
    private final double silenceDbfs;
    private final Map<String, SensorLevel> sensors = new HashMap<>();

    public LevelHandler(MeterRegistry registry, double silenceDbfs) {
        this.registry = registry;
        this.silenceDbfs = silenceDbfs;
    }

    @Override
    public void onEvent(ChunkEvent event, long sequence, boolean endOfBatch) {
        switch (event.kind()) {
            case SESSION -> {
                SessionMeta meta = SessionMetaJson.read(
                        Arrays.copyOf(event.data(), event.length()), "session of sensor " + event.sensor());
                sensors.computeIfAbsent(event.sensor(), this::meters).level = new Level(meta.format());
            }
            case CHUNK -> {
                SensorLevel s = sensors.get(event.sensor());
                if (s != null && s.level != null) {
                    double dbfs = s.level.dbfs(event.data(), 0, event.length());
                    s.last.set(Double.doubleToLongBits(dbfs));
                    boolean silent = dbfs < silenceDbfs;
                    if (silent) {
                        s.silent.increment();
                    }
                    event.measured((float) dbfs, silent);
                }
            }
            case DROPOUT, ANCHOR -> {
                // nothing to measure
            }
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
        Level level;
        Counter silent;
    }
}
