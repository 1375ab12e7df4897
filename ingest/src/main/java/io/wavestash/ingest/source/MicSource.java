package io.wavestash.ingest.source;

import io.wavestash.config.ClockConfig;
import io.wavestash.ingest.audio.AudioDeviceException;
import io.wavestash.ingest.audio.AudioDevices;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;

/**
 * A microphone: a javax.sound {@link TargetDataLine} of a mixer chosen by name, read in fixed chunks. The
 * device paces the chunks; the session starts when the line starts. The line's format is negotiated when the
 * source is made, so a device that cannot record the wanted format fails the daemon's start, not later.
 */
public final class MicSource implements CaptureSource {
    private final SensorId sensor;
    private final AudioDevices.Negotiated line;
    private final int chunkMs;
    private final Clock clock;
    private final Duration limit;
    private final Pacer monotonic;
    private final ClockConfig timing;
    private volatile TargetDataLine open;
    private volatile boolean stopped;

    /** A microphone that records until stopped, or for {@code limit} of audio when it is not null. */
    public MicSource(
            SensorId sensor,
            String device,
            SampleFormat wanted,
            int chunkMs,
            Clock clock,
            Duration limit,
            Pacer monotonic,
            ClockConfig timing) {
        this.sensor = sensor;
        this.line = AudioDevices.negotiate(
                AudioDevices.find(device, AudioDevices.Direction.CAPTURE), AudioDevices.Direction.CAPTURE, wanted);
        this.chunkMs = chunkMs;
        this.clock = clock;
        this.limit = limit;
        this.monotonic = monotonic;
        this.timing = timing;
    }

    /** The format samples are stored in: the wanted one, or its byte-order/signedness twin the device gives. */
    public SampleFormat format() {
        return line.sampleFormat();
    }

    @Override
    public SensorId sensor() {
        return sensor;
    }

    @Override
    public void run(Publisher publisher) throws Exception {
        SampleFormat format = line.sampleFormat();
        int frame = format.frameBytes();
        int chunkFrames = Sources.chunkFrames(format.sampleRateHz(), chunkMs);
        byte[] chunk = new byte[chunkFrames * frame];
        String device = line.mixer().getMixerInfo().getName();
        TargetDataLine target;
        try {
            target = (TargetDataLine) line.mixer()
                    .getLine(new javax.sound.sampled.DataLine.Info(TargetDataLine.class, line.lineFormat()));
            int buffer = Math.max(4 * chunk.length, format.sampleRateHz() * frame / 2);
            target.open(line.lineFormat(), buffer - buffer % frame);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new AudioDeviceException("cannot open capture device '" + device + "': " + e.getMessage());
        }
        open = target;
        try {
            target.start();
            long session = Sources.sessionStart(null, clock);
            publisher.session(new SessionMeta(
                    sensor,
                    session,
                    format,
                    chunkFrames,
                    "mic:" + device,
                    Map.of("device", device, "lineBufferBytes", Integer.toString(target.getBufferSize()))));
            long maxFrames = limit == null ? Long.MAX_VALUE : Sources.frames(limit, format.sampleRateHz());
            SourceLoop loop = new SourceLoop(
                            sensor.value(), session, frame, format.sampleRateHz(), maxFrames, null, publisher)
                    .watchClock(monotonic, timing, target.getBufferSize() / frame, chunkFrames);
            while (!stopped && !loop.done()) {
                int n = readFully(target, chunk);
                loop.emit(chunk, n);
            }
            loop.finish();
        } finally {
            target.close();
        }
    }

    private int readFully(TargetDataLine target, byte[] chunk) {
        int n = 0;
        while (n < chunk.length && !stopped) {
            int got = target.read(chunk, n, chunk.length - n);
            if (got <= 0 && !target.isOpen()) {
                break;
            }
            n += Math.max(0, got);
        }
        return n;
    }

    @Override
    public void stop() {
        stopped = true;
        TargetDataLine target = open;
        if (target != null) {
            target.stop(); // a blocked read returns what it has
        }
    }
}
