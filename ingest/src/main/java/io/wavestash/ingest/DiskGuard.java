package io.wavestash.ingest;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free space of the file system under a directory, read from the system at most every few milliseconds or
 * megabytes and estimated in between, so that writers can keep a floor of free space cheaply on every write.
 * The journal needs this: it writes through memory-mapped files, and a mapped write to a full disk faults
 * instead of failing cleanly, so it must never be attempted.
 */
public final class DiskGuard {
    private static final long RECHECK_BYTES = 1 << 20;
    private static final long RECHECK_NANOS = 20_000_000L;

    private final FileStore fileStore;
    private final Path dir;
    private long usable;
    private long writtenSince;
    private long checkedAt;
    private volatile long lastUsable;

    public DiskGuard(Path dir) throws IOException {
        this.dir = dir;
        this.fileStore = Files.getFileStore(dir);
        refresh();
    }

    /**
     * True when {@code bytes} more can be written and still leave {@code floor} bytes free; counts them as
     * written when it says yes. One thread per guard.
     */
    public boolean take(long bytes, long floor) {
        if (writtenSince + bytes >= RECHECK_BYTES || System.nanoTime() - checkedAt >= RECHECK_NANOS) {
            refresh();
        }
        if (usable - writtenSince - bytes < floor) {
            refresh();
            if (usable - bytes < floor) {
                return false;
            }
        }
        writtenSince += bytes;
        return true;
    }

    /** Usable space of the file system under {@code dir} now, or {@code fallback} when it cannot be read. */
    public static long usable(Path dir, long fallback) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return fallback;
        }
    }

    /** Free space as last read, for metrics; any thread. */
    public long usableBytes() {
        return lastUsable;
    }

    public Path dir() {
        return dir;
    }

    private void refresh() {
        try {
            usable = fileStore.getUsableSpace();
        } catch (IOException e) {
            usable = 0; // cannot tell: treat as full rather than risk a faulting write
        }
        lastUsable = usable;
        writtenSince = 0;
        checkedAt = System.nanoTime();
    }
}
