package io.wavestash.ingest;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's background work (storing what the journal holds, forcing the store, writing the journal's pages
 * ahead, retention, the mirror) runs on threads that lower their own scheduling priority when they start, to
 * {@value #NICE} nice levels below the daemon's (threads they start, such as the store's forcing threads, inherit
 * it). On a busy device the threads that acknowledge a chunk, the sources and the ring's
 * consumer, then get a core first: a late acknowledgement is a dropout, while the store may lag a second and
 * catch up, since the journal holds what it has not stored.
 *
 * <p>Linux only: {@code setpriority(2)} on the thread's own id, which needs no privilege when it lowers. On other
 * systems, or when the C library cannot be reached, the threads keep the daemon's priority.
 */
public final class Background {
    /** How many nice levels below the daemon (its main thread) a background thread runs. */
    public static final int NICE = 10;

    private static final Logger LOG = Logger.getLogger(Background.class.getName());
    private static final int PRIO_PROCESS = 0;
    private static final int LOWEST = 19;
    private static volatile boolean unavailable = !Platform.isLinux();

    private Background() {}

    /** A factory of daemon threads called {@code name} that run their work at background priority. */
    public static ThreadFactory threads(String name) {
        return work -> {
            Thread t = new Thread(() -> run(work), name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code work} on the calling thread after lowering its priority. */
    public static void run(Runnable work) {
        lowerPriority();
        work.run();
    }

    /**
     * Lowers the calling thread's priority to {@value #NICE} nice levels below the process's (19 at most), unless
     * it is that low already. Returns the nice value it now has, or {@code Integer.MIN_VALUE} if it could not be
     * changed.
     */
    public static int lowerPriority() {
        if (unavailable) {
            return Integer.MIN_VALUE;
        }
        try {
            LibC c = LibC.get();
            int tid = c.gettid();
            int nice = Math.min(LOWEST, c.getpriority(PRIO_PROCESS, c.getpid()) + NICE);
            if (c.getpriority(PRIO_PROCESS, tid) < nice) {
                c.setpriority(PRIO_PROCESS, tid, nice);
            }
            return c.getpriority(PRIO_PROCESS, tid);
        } catch (LastErrorException | LinkageError e) {
            unavailable = true; // once: the next threads would fail the same way
            LOG.log(Level.INFO, "background threads keep the daemon's priority: " + e, e);
            return Integer.MIN_VALUE;
        }
    }
}
