package io.wavestash.ingest.source;

import io.wavestash.config.ClockConfig;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.wav.WavImport;
import io.wavestash.storage.wav.WavInfo;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The talk's mock audio buffer: a WAV file read in fixed chunks, paced in real time (one chunk per chunk
 * duration) or as fast as the ring takes them, optionally looping, as one session, for at most a given length
 * of audio.
 */
public final class WavFileSource implements CaptureSource {
    private final SensorId sensor;
    private final Path file;
    private final int chunkMs;
    private final boolean realTime;
    private final boolean loop;
    private final Instant start;
    private final Clock clock;
    private final Pacer pacer;
    private final Duration limit;
    private final ClockConfig timing;
    private final double driftPpm;
    private volatile boolean stopped;

    /** About how much of the file one read takes. */
    private static final int READ_BYTES = 64 << 10;

    public WavFileSource(
            SensorId sensor,
            Path file,
            int chunkMs,
            boolean realTime,
            boolean loop,
            Instant start,
            Clock clock,
            Pacer pacer,
            Duration limit,
            ClockConfig timing,
            double driftPpm) {
        this.sensor = sensor;
        this.file = file;
        this.chunkMs = chunkMs;
        this.realTime = realTime;
        this.loop = loop;
        this.start = start;
        this.clock = clock;
        this.pacer = pacer;
        this.limit = limit;
        this.timing = timing;
        this.driftPpm = driftPpm;
    }

    @Override
    public SensorId sensor() {
        return sensor;
    }

    @Override
    public void run(Publisher publisher) throws Exception {
        WavInfo info = WavImport.open(file).info();
        int rate = info.format().sampleRateHz();
        int frame = info.format().frameBytes();
        int chunkFrames = Sources.chunkFrames(rate, chunkMs);
        long session = Sources.sessionStart(start, clock);
        publisher.session(new SessionMeta(
                sensor,
                session,
                info.format(),
                chunkFrames,
                "wav:" + file.getFileName(),
                Map.of("file", file.toString(), "loop", Boolean.toString(loop))));
        SourceLoop paced = new SourceLoop(
                sensor.value(),
                session,
                frame,
                rate,
                limit == null ? Long.MAX_VALUE : Sources.frames(limit, rate),
                realTime ? pacer : null,
                publisher);
        if (realTime) {
            paced.watchClock(pacer, timing, 0, chunkFrames).drift(driftPpm);
        }
        int chunkBytes = chunkFrames * frame;
        // read several chunks at a time: a thousand paced sources each reading a chunk would make a system
        // call per chunk
        byte[] read = new byte[chunkBytes * Math.max(1, READ_BYTES / chunkBytes)];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            boolean emitted;
            do {
                emitted = false;
                for (long at = 0; at < info.dataBytes() && !stopped && !paced.done(); at += read.length) {
                    int n = (int) Math.min(read.length, info.dataBytes() - at);
                    ByteBuffer dst = ByteBuffer.wrap(read, 0, n);
                    while (dst.hasRemaining() && in.read(dst, info.dataOffset() + at + dst.position()) >= 0) {
                        // read the whole block
                    }
                    int got = dst.position();
                    emitted |= got > 0;
                    for (int c = 0; c < got && !stopped && !paced.done(); c += chunkBytes) {
                        paced.emit(read, c, Math.min(chunkBytes, got - c));
                    }
                    if (got < n) {
                        break; // the file is shorter than its header says
                    }
                }
            } while (loop && emitted && !stopped && !paced.done());
        }
        paced.finish();
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
