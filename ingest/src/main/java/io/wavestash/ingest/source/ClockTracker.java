package io.wavestash.ingest.source;

/**
 * Watches a real-time source's sample clock against the monotonic clock (which NTP keeps at the wall clock's
 * rate). Each chunk gives one observation: how late its last sample arrived compared with its nominal instant
 * (session start + frames / rate). Arrival latency only adds, so the smallest lateness of each interval is
 * the clean reading; the first second's is the line's own latency, and later readings minus it are drift. A first
 * reading that a later one shows to have been late throughout (a stall over the whole first second, which a loaded
 * machine starting many sources has) is taken again from that later one.
 *
 * <p>Two things come out of it. A <b>timing anchor</b> whenever the drift strays more than a tolerance from
 * what the anchors so far predict (the line through the last two, from frame 0 with no drift), so the
 * anchors stay few for a steady clock and the store maps time to samples within the tolerance. And, for a
 * live line, the <b>excess</b> lateness of a chunk beyond that prediction: more than the line's buffer could
 * have held means frames were lost (see {@link SourceLoop}).
 */
final class ClockTracker {
    /** What one observation produced; {@code anchorFrame} 0 when no anchor. */
    record Reading(long anchorFrame, long anchorOffsetNanos) {
        static final Reading NOTHING = new Reading(0, 0);
    }

    private final int rate;
    private final long startNanos;
    private final long intervalFrames;
    private final long toleranceNanos;
    /** Lateness beyond which frames must have been lost; 0: never (a file source waits, it loses nothing). */
    private final long overrunNanos;

    /** Sound cards keep time to a few hundred ppm; a source further off than this has no clock worth anchoring. */
    static final double MAX_RATE_ERROR = 0.02;

    /** How fast a sound card's clock may run (1,000 ppm; they keep time to a few hundred). */
    static final double MAX_CLOCK_ERROR = 0.001;

    /** Times at most that the first reading is taken again. */
    static final int MAX_RECALIBRATIONS = 2;

    private boolean calibrated;
    private boolean unclocked;
    /** Times the first reading was taken again, after one that turned out late throughout. */
    private int recalibrations;

    /** The first reading and its frame, until the second one shows how much drift was already in it. */
    private long firstReading = Long.MIN_VALUE;

    private long firstFrame;
    private long baseline;
    private long intervalEnd;
    private final long calibrationFrames;
    private long intervalMin = Long.MAX_VALUE;
    private long intervalMinFrame;
    /** The last two anchors (frame, drift); the first is the session start. */
    private long prevFrame;

    private long prevDrift;
    private long lastFrame;
    private long lastDrift;

    ClockTracker(int rate, long startNanos, long intervalFrames, long toleranceNanos, long overrunNanos) {
        this.rate = rate;
        this.startNanos = startNanos;
        this.intervalFrames = Math.max(1, intervalFrames);
        this.toleranceNanos = toleranceNanos;
        this.overrunNanos = overrunNanos;
        // the line's latency is read over the first second (or interval), before drift adds much to it
        this.calibrationFrames = Math.min(this.intervalFrames, rate);
        this.intervalEnd = calibrationFrames;
    }

    /** One chunk arrived: {@code endFrame} frames of the session are now in hand (lost ones counted), at {@code nowNanos}. */
    Reading observe(long endFrame, long nowNanos) {
        if (unclocked) {
            return Reading.NOTHING;
        }
        long late = nowNanos - startNanos - nominalNanos(endFrame);
        if (late < intervalMin) {
            intervalMin = late;
            intervalMinFrame = endFrame;
        }
        if (endFrame < intervalEnd) {
            return Reading.NOTHING;
        }
        long reading = intervalMin;
        long frame = intervalMinFrame;
        intervalMin = Long.MAX_VALUE;
        intervalEnd = endFrame + intervalFrames;
        if (firstReading == Long.MIN_VALUE) {
            calibrate(reading, frame);
            return Reading.NOTHING;
        }
        if (firstFrame > 0) {
            // the first reading held the line's latency plus the drift of its first second: take that drift out,
            // as the slope to the second reading says, so a steady drift is not cut short by it
            double slope = (double) (reading - firstReading) / (frame - firstFrame);
            baseline = firstReading - Math.round(slope * firstFrame);
            firstFrame = 0;
        }
        long drift = reading - baseline;
        if (lastFrame == 0
                && recalibrations < MAX_RECALIBRATIONS
                && drift < -toleranceNanos - (long) (MAX_CLOCK_ERROR * nominalNanos(frame))) {
            // lateness only adds: a reading further below the first one than a sound card's clock can run fast says
            // the first was late throughout (a stall over the whole first second, as when many sources start at
            // once). Start over from this reading; the one after it measures the drift from frame 0 as above, and
            // a source with no clock shows that again.
            recalibrations++;
            calibrate(reading, frame);
            return Reading.NOTHING;
        }
        if (Math.abs(drift) > MAX_RATE_ERROR * nominalNanos(frame) && Math.abs(drift) > overrunNanos) {
            unclocked = true;
            return Reading.NOTHING;
        }
        if (Math.abs(drift - predict(frame)) <= toleranceNanos || frame <= lastFrame) {
            return Reading.NOTHING;
        }
        prevFrame = lastFrame;
        prevDrift = lastDrift;
        lastFrame = frame;
        lastDrift = drift;
        return new Reading(frame, drift);
    }

    /** Takes {@code reading} at {@code frame} as the first: the line's latency, until the next one says otherwise. */
    private void calibrate(long reading, long frame) {
        firstReading = reading;
        firstFrame = frame;
        baseline = reading;
        calibrated = true;
    }

    /**
     * How much later than the clock so far predicts a chunk ending at {@code endFrame} arrived at
     * {@code nowNanos}; 0 until the line's latency is known, or when the source is not watched any more.
     */
    long excessNanos(long endFrame, long nowNanos) {
        if (!calibrated || unclocked) {
            return 0;
        }
        return nowNanos - startNanos - nominalNanos(endFrame) - baseline - predict(endFrame);
    }

    /** Lateness beyond which a live line must have lost frames (its buffer could not have held them). */
    long overrunNanos() {
        return overrunNanos;
    }

    /** The source skipped frames for lost ones: the reading under way mixes both sides, so it starts over. */
    void skipped(long endFrame) {
        intervalMin = Long.MAX_VALUE;
        intervalEnd = endFrame + intervalFrames;
    }

    /**
     * True once the samples came more than {@link #MAX_RATE_ERROR} faster or slower than real time (a device
     * that is not paced by a clock, such as a file read as fast as it goes): it is no longer watched.
     */
    boolean unclocked() {
        return unclocked;
    }

    /** Drift the anchors so far predict at {@code frame}. */
    private long predict(long frame) {
        if (lastFrame == 0) {
            return 0;
        }
        return lastDrift + (long) ((double) (lastDrift - prevDrift) / (lastFrame - prevFrame) * (frame - lastFrame));
    }

    /** {@code frame / rate} seconds in nanoseconds, without overflow for any session length. */
    static long nominalNanos(long frame, int rate) {
        return frame / rate * 1_000_000_000L + frame % rate * 1_000_000_000L / rate;
    }

    private long nominalNanos(long frame) {
        return nominalNanos(frame, rate);
    }
}
