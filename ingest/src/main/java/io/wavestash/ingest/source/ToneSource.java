package io.wavestash.ingest.source;

import io.wavestash.config.ClockConfig;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import java.time.Clock;
import java.util.Map;

/** A synthetic sine tone at half of full scale in any PCM format, for demos and benchmarks. */
public final class ToneSource implements SteppedSource {
    private final SensorId sensor;
    private final SampleFormat format;
    private final double frequencyHz;
    private final int chunkMs;
    private final boolean realTime;
    private final Clock clock;
    private final Pacer pacer;
    private final ClockConfig timing;
    private final double driftPpm;
    private final long maxFrames;
    private volatile boolean stopped;

    /** A tone of {@code maxFrames} frames (or endless with {@link Long#MAX_VALUE}). */
    public ToneSource(
            SensorId sensor,
            SampleFormat format,
            double frequencyHz,
            int chunkMs,
            boolean realTime,
            long maxFrames,
            Clock clock,
            Pacer pacer,
            ClockConfig timing,
            double driftPpm) {
        this.sensor = sensor;
        this.format = format;
        this.frequencyHz = frequencyHz;
        this.chunkMs = chunkMs;
        this.realTime = realTime;
        this.maxFrames = maxFrames;
        this.clock = clock;
        this.pacer = pacer;
        this.timing = timing;
        this.driftPpm = driftPpm;
    }

    @Override
    public SensorId sensor() {
        return sensor;
    }

    @Override
    public boolean paced() {
        return realTime;
    }

    @Override
    public Pacer pacer() {
        return pacer;
    }

    @Override
    public Steps start(Publisher publisher) {
        int rate = format.sampleRateHz();
        int chunkFrames = Sources.chunkFrames(rate, chunkMs);
        long session = Sources.sessionStart(null, clock);
        publisher.session(new SessionMeta(
                sensor,
                session,
                format,
                chunkFrames,
                "tone:" + frequencyHz + "Hz",
                Map.of("frequencyHz", Double.toString(frequencyHz))));
        SourceLoop loop = new SourceLoop(
                sensor.value(), session, format.frameBytes(), rate, maxFrames, realTime ? pacer : null, publisher);
        if (realTime) {
            loop.watchClock(pacer, timing, 0, chunkFrames).drift(driftPpm);
        }
        byte[] chunk = new byte[chunkFrames * format.frameBytes()];
        return new Steps() {
            private long frame;
            private int frames;

            @Override
            public boolean ready() {
                if (stopped || frame >= maxFrames) {
                    return false;
                }
                frames = (int) Math.min(chunkFrames, maxFrames - frame);
                fill(chunk, frame, frames);
                return true;
            }

            @Override
            public long dueNanos() {
                return loop.dueNanos(frames * format.frameBytes());
            }

            @Override
            public void emit() {
                loop.emitNow(chunk, 0, frames * format.frameBytes());
                frame += frames;
            }

            @Override
            public void finish() {
                loop.finish();
            }

            @Override
            public void close() {
                // nothing held open
            }
        };
    }

    /** Writes {@code frames} frames of the tone starting at {@code first}, every channel alike. */
    void fill(byte[] chunk, long first, int frames) {
        int bytes = format.bytesPerSample();
        long full = format.encoding() == SampleFormat.Encoding.FLOAT ? 0 : (1L << (format.bitsPerSample() - 1)) - 1;
        boolean big = format.byteOrder() == SampleFormat.Endian.BIG;
        int at = 0;
        for (int f = 0; f < frames; f++) {
            double phase = 2 * Math.PI * frequencyHz * (first + f) / format.sampleRateHz();
            double level = Math.sin(phase) * 0.5;
            long value =
                    switch (format.encoding()) {
                        case FLOAT -> bytes == 4
                                ? Float.floatToIntBits((float) level) & 0xFFFF_FFFFL
                                : Double.doubleToLongBits(level);
                        case SIGNED -> Math.round(level * full);
                        case UNSIGNED -> Math.round(level * full) + full + 1;
                    };
            for (int c = 0; c < format.channels(); c++) {
                for (int b = 0; b < bytes; b++) {
                    int shift = 8 * (big ? bytes - 1 - b : b);
                    chunk[at++] = (byte) (value >>> shift);
                }
            }
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
