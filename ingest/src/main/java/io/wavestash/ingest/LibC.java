package io.wavestash.ingest;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The C library calls the daemon makes, as JNA binds them (JNA comes with Chronicle Queue). Bound the first time
 * {@link #get} is called; that throws a {@link LinkageError} where the library cannot be reached.
 */
public interface LibC extends Library {
    int gettid();

    int getpid();

    int getpriority(int which, int who) throws LastErrorException;

    int setpriority(int which, int who, int prio) throws LastErrorException;

    /** {@code param} is a {@code struct sched_param}: its one field, the priority. */
    int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;

    int sched_getscheduler(int pid) throws LastErrorException;

    int madvise(Pointer address, long length, int advice) throws LastErrorException;

    /** The bound library. */
    static LibC get() {
        return Holder.C;
    }

    /** Binds on first use, so that a process that never calls it never loads it. */
    final class Holder {
        private static final LibC C = Native.load("c", LibC.class);

        private Holder() {}
    }
}
