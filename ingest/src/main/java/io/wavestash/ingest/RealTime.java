package io.wavestash.ingest;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;

/**
 * Real-time scheduling for the threads that acknowledge chunks ({@code ring.priority: realtime}). On a busy device
 * a woken thread of normal priority waits its turn for a core, milliseconds at a time; a {@code SCHED_FIFO} thread
 * takes one at once, ahead of every normal one. The ring's consumers park when there is nothing to do, so they
 * hold a core only while they work, and the kernel keeps 5% of each second for other threads in any case.
 *
 * <p>Linux only, and only where the process is allowed it: {@code CAP_SYS_NICE} (root, or {@code
 * AmbientCapabilities=CAP_SYS_NICE} in a systemd unit) or an {@code RLIMIT_RTPRIO} of at least {@value #PRIORITY}
 * ({@code LimitRTPRIO=} in a systemd unit, {@code rtprio} in {@code /etc/security/limits.conf}).
 */
public final class RealTime {
    /** The {@code SCHED_FIFO} priority asked for: low among real-time threads (1 to 99), above every normal one. */
    public static final int PRIORITY = 10;

    private static final int SCHED_FIFO = 1;

    private RealTime() {}

    /**
     * Moves the calling thread to {@code SCHED_FIFO} at {@value #PRIORITY}. Returns null when it did, or why it
     * could not (not Linux, the C library out of reach, or not permitted).
     */
    public static String raise() {
        if (!Platform.isLinux()) {
            return "real-time scheduling is supported on Linux only";
        }
        try {
            LibC.get().sched_setscheduler(0, SCHED_FIFO, new int[] {PRIORITY});
            return null;
        } catch (LastErrorException e) {
            return "sched_setscheduler(SCHED_FIFO, " + PRIORITY + ") failed with errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1
                            ? " (not permitted: it needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least " + PRIORITY + ")"
                            : "");
        } catch (LinkageError e) {
            return "the C library cannot be reached: " + e;
        }
    }

    /** True when the calling thread runs under {@code SCHED_FIFO}. */
    public static boolean isRealTime() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            return LibC.get().sched_getscheduler(0) == SCHED_FIFO;
        } catch (LastErrorException | LinkageError e) {
            return false;
        }
    }
}
