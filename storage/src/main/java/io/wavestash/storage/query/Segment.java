package io.wavestash.storage.query;

import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionClock;
import java.time.Instant;

/**
 * Contiguous samples of one session inside a window.
 *
 * @param sensor the sensor
 * @param sessionEpochMicros start of the session the samples belong to
 * @param format their sample format
 * @param firstFrame index of the first frame within the session
 * @param frames number of frames
 * @param clock how the session's frames map to instants
 */
public record Segment(
        SensorId sensor,
        long sessionEpochMicros,
        SampleFormat format,
        long firstFrame,
        long frames,
        SessionClock clock) {

    public Segment(SensorId sensor, long sessionEpochMicros, SampleFormat format, long firstFrame, long frames) {
        this(
                sensor,
                sessionEpochMicros,
                format,
                firstFrame,
                frames,
                SessionClock.nominal(sessionEpochMicros, format.sampleRateHz()));
    }

    /** Instant of the first frame (rounded down to the nanosecond). */
    public Instant start() {
        return clock.instantOf(firstFrame);
    }

    /** Instant just after the last frame (nominally the first frame's instant plus {@code frames / rate}). */
    public Instant end() {
        return clock.instantOf(firstFrame + frames);
    }

    public long byteFrom() {
        return firstFrame * format.frameBytes();
    }

    public long bytes() {
        return frames * format.frameBytes();
    }
}
