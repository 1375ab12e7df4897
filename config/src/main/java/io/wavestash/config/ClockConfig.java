package io.wavestash.config;

/**
 * How real-time sources watch their sample clock against the wall clock.
 *
 * @param anchorSeconds audio between two readings of the clock
 * @param toleranceMs how far the recorded timing anchors may stray from the measured clock before a new one
 *     is recorded; also the accuracy of mapping time to samples through them
 */
public record ClockConfig(double anchorSeconds, double toleranceMs) {
    public static final double DEFAULT_ANCHOR_SECONDS = 10;
    public static final double DEFAULT_TOLERANCE_MS = 1;

    public static ClockConfig defaults() {
        return new ClockConfig(DEFAULT_ANCHOR_SECONDS, DEFAULT_TOLERANCE_MS);
    }
}
