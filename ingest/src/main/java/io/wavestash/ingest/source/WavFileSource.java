package io.wavestash.ingest.source;

import io.wavestash.config.ClockConfig;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.wav.WavImport;
import io.wavestash.storage.wav.WavInfo;
import java.io.IOException;
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
public final class WavFileSource implements SteppedSource {
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
    public boolean paced() {
        return realTime;
    }

    @Override
    public Pacer pacer() {
        return pacer;
    }

    @Override
    public Steps start(Publisher publisher) throws Exception {
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
        return new FileSteps(info, paced, chunkFrames * frame, FileChannel.open(file, StandardOpenOption.READ));
    }

    /** The file read a block of chunks at a time, from the start again at its end when looping. */
    private final class FileSteps implements Steps {
        private final WavInfo info;
        private final SourceLoop paced;
        private final int chunkBytes;
        private final FileChannel in;
        /**
         * Several chunks read at a time: a thousand paced sources each reading a chunk would make a system call
         * per chunk.
         */
        private final byte[] read;

        /** The offset in the data of the next block to read. */
        private long next;
        /** The bytes of the block in hand, and where its next chunk starts. */
        private int got;

        private int at;
        /** Whether this pass through the file emitted anything, and whether it has ended (a short read ends it). */
        private boolean emittedThisPass;

        private boolean passEnded;
        private int length;

        FileSteps(WavInfo info, SourceLoop paced, int chunkBytes, FileChannel in) {
            this.info = info;
            this.paced = paced;
            this.chunkBytes = chunkBytes;
            this.in = in;
            this.read = new byte[chunkBytes * Math.max(1, READ_BYTES / chunkBytes)];
        }

        @Override
        public boolean ready() throws IOException {
            if (stopped || paced.done()) {
                return false;
            }
            while (at >= got) {
                if (passEnded || next >= info.dataBytes()) {
                    if (!loop || !emittedThisPass) {
                        return false;
                    }
                    next = 0;
                    emittedThisPass = false;
                    passEnded = false;
                }
                int n = (int) Math.min(read.length, info.dataBytes() - next);
                ByteBuffer dst = ByteBuffer.wrap(read, 0, n);
                while (dst.hasRemaining() && in.read(dst, info.dataOffset() + next + dst.position()) >= 0) {
                    // read the whole block
                }
                got = dst.position();
                at = 0;
                next += n;
                emittedThisPass |= got > 0;
                passEnded = got < n; // the file is shorter than its header says
            }
            length = Math.min(chunkBytes, got - at);
            return true;
        }

        @Override
        public long dueNanos() {
            return paced.dueNanos(length);
        }

        @Override
        public void emit() {
            paced.emitNow(read, at, length);
            at += length;
        }

        @Override
        public void finish() {
            paced.finish();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
