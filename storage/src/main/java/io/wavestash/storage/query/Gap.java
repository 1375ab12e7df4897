package io.wavestash.storage.query;

import java.time.Instant;

/**
 * A stretch of a window with no samples, {@code [start, end)}.
 *
 * @param start first instant without samples
 * @param end first instant after the gap
 * @param frames how many sample periods the gap spans on the surrounding grid (the silence that fills it)
 * @param reason why there is nothing
 */
public record Gap(Instant start, Instant end, long frames, Reason reason) {
    public enum Reason {
        /** Nothing was recorded (no session, or chunks never stored). */
        NOT_RECORDED,
        /** Capture lost samples (a line overrun, a full ring) and recorded the loss. */
        DROPPED
    }
}
