package io.wavestash.config;

/** How the ring's consumer threads, which acknowledge every chunk, are scheduled. */
public enum RingPriority {
    /** The daemon's own priority, shared with everything else on the device. */
    NORMAL,
    /**
     * Real-time scheduling ({@code SCHED_FIFO}) on Linux, where the daemon is allowed it ({@code CAP_SYS_NICE}, or
     * an {@code RLIMIT_RTPRIO}): a consumer woken by a chunk gets a core at once instead of waiting its turn. Where
     * it is not allowed, the daemon says so and runs them at normal priority.
     */
    REALTIME
}
