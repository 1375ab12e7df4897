package io.wavestash.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A progress bar on one line of standard error, redrawn at most every half second (and at the end). */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 500_000_000L;

    private final PrintWriter err;
    private long lastDrawn;
    private long lastDone = -1;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    /** Shows {@code done} of {@code total}, followed by {@code detail}. */
    void show(long done, long total, String detail) {
        long now = System.nanoTime();
        if (done == lastDone || done < total && now - lastDrawn < REDRAW_NANOS) {
            return;
        }
        lastDrawn = now;
        lastDone = done;
        int filled = (int) (WIDTH * done / Math.max(1, total));
        err.printf(
                Locale.ROOT,
                "\r  [%s%s] %3d%%  %s",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                100 * done / Math.max(1, total),
                detail);
        err.flush();
    }
}
