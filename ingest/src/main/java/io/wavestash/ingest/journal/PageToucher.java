package io.wavestash.ingest.journal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.wavestash.ingest.DiskGuard;
import io.wavestash.ingest.LibC;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;

/**
 * Writes the journal's pages ahead of its appender, from a thread of its own, through the same mapping. The
 * first write to a page of a memory-mapped file faults: the kernel allocates the page, reserves its block and
 * updates the file's times, which waits whenever the file system is committing its journal (as the store's
 * forcing makes it do every second). Taken on the ring's consumer thread, such a fault held up every chunk
 * behind it for tens of milliseconds; taken here, the appender finds its pages ready.
 *
 * <p>On Linux 5.14 and later the pages are prepared a mebibyte at a call by {@code madvise(MADV_POPULATE_WRITE)},
 * which faults them in writable as a write would, without writing: one system call instead of 256 faults.
 * Elsewhere a page is touched by a compare-and-set of a zero word to zero: a word the appender has written
 * already is left as it is. Either way a record is never overwritten. The pages touched stay mapped (their chunk
 * of the mapping is held) until the appender has passed them. About a second of appends is touched ahead, and
 * nothing while the disk is near its floor: a mapped write to a full disk faults instead of failing.
 */
final class PageToucher implements Runnable {
    private static final Logger LOG = Logger.getLogger(PageToucher.class.getName());
    private static final long PAGE = 4096;
    private static final long MIN_AHEAD = 1L << 20;
    static final long MAX_AHEAD = 64L << 20;
    private static final long PAUSE_NANOS = 2_000_000L;
    /** Bytes prepared by one {@code madvise} call. */
    private static final long STEP = 1L << 20;

    private static final int MADV_POPULATE_WRITE = 23;
    private static final int EINVAL = 22;

    /** False once {@code MADV_POPULATE_WRITE} turned out not to be there (an older kernel, not Linux). */
    private boolean populate = Platform.isLinux();

    private final ReferenceOwner owner = ReferenceOwner.temporary("wavestash-journal-toucher");
    private final DiskGuard guard;
    private final long floorBytes;

    /** Where the writers write next, and in which file; set by the writers' threads. */
    private volatile MappedFile appending;

    private volatile long position = -1;
    private volatile boolean stopped;

    /** Chunks of the mapping held for pages touched and not yet passed, oldest first. */
    private final ArrayDeque<MappedBytesStore> held = new ArrayDeque<>();

    private MappedFile file;
    private long touchedTo;
    private double bytesPerSecond;

    PageToucher(DiskGuard guard, long floorBytes) {
        this.guard = guard;
        this.floorBytes = floorBytes;
    }

    /**
     * A writer wrote up to {@code writePosition} of {@code mapped}. Writers on several threads append to the same
     * file in turn: the furthest position counts (one lost in a race is made good by the next append).
     */
    void appended(MappedFile mapped, long writePosition) {
        if (mapped != appending) {
            position = -1; // never read with the new file before its own position is
            appending = mapped;
        }
        if (writePosition > position) {
            position = writePosition;
        }
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        long lastPosition = -1;
        long lastNanos = System.nanoTime();
        try {
            while (!stopped) {
                MappedFile mapped = appending;
                long at = position;
                if (appending != mapped) {
                    continue; // the appender moved to a new file meanwhile
                }
                long now = System.nanoTime();
                if (mapped != file) {
                    releaseAll();
                    file = mapped;
                    touchedTo = 0;
                    lastPosition = -1;
                }
                if (file != null && at >= 0) {
                    if (lastPosition >= 0 && now > lastNanos) {
                        double rate = (at - lastPosition) * 1e9 / (now - lastNanos);
                        bytesPerSecond = bytesPerSecond == 0 ? rate : 0.9 * bytesPerSecond + 0.1 * rate;
                    }
                    lastPosition = at;
                    lastNanos = now;
                    releasePassed(at);
                    touch(at);
                }
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        } catch (RuntimeException | java.io.IOException | Error e) {
            // the appender faults its own pages in, as it would without this thread
            LOG.log(Level.WARNING, "journal pages are no longer written ahead: " + e, e);
        } finally {
            releaseAll();
        }
    }

    private void touch(long at) throws java.io.IOException {
        long ahead = Math.max(MIN_AHEAD, Math.min(MAX_AHEAD, (long) bytesPerSecond));
        long from = Math.max(touchedTo, (at + PAGE) & -PAGE);
        long to = at + ahead;
        if (from >= to || !guard.take(to - from, floorBytes)) {
            return;
        }
        for (long page = from; page < to && !stopped && appending == file; ) {
            MappedBytesStore store = held.peekLast();
            if (store == null || !store.inside(page, PAGE)) {
                store = file.acquireByteStore(owner, page);
                held.addLast(store);
            }
            long end = Math.min((to + PAGE - 1) & -PAGE, page + STEP);
            while (end > page + PAGE && !store.inside(page, end - page)) {
                end = Math.max(page + PAGE, (page + (end - page) / 2) & -PAGE);
            }
            if (!populate(store, page, end)) {
                for (long p = page; p < end; p += PAGE) {
                    store.compareAndSwapLong(p, 0, 0);
                }
            }
            touchedTo = end;
            page = end;
        }
    }

    /** Faults in the pages of {@code [from, to)} writable without writing them; false when that cannot be done. */
    private boolean populate(MappedBytesStore store, long from, long to) {
        if (!populate) {
            return false;
        }
        try {
            LibC.get().madvise(new Pointer(store.addressForWrite(from)), to - from, MADV_POPULATE_WRITE);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINVAL) {
                populate = false; // a kernel before 5.14
                LOG.fine("madvise(MADV_POPULATE_WRITE) is not supported here; journal pages are touched one by one");
            }
            return false; // anything else (an interrupted call): this range is touched page by page
        } catch (LinkageError e) {
            populate = false;
            return false;
        }
    }

    /** Lets go of the chunks wholly behind the appender: it holds the one it writes in itself. */
    private void releasePassed(long at) {
        while (held.size() > 1 && held.peekFirst().safeLimit() <= at) {
            held.pollFirst().release(owner);
        }
    }

    private void releaseAll() {
        while (!held.isEmpty()) {
            held.pollFirst().release(owner);
        }
    }
}
