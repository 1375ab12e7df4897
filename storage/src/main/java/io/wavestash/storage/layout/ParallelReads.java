package io.wavestash.storage.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;

/**
 * Runs the parts of one read side by side: the calling thread takes the first part, a shared pool the others,
 * and the call returns when all are done. The pool's threads are daemons and end after a few idle seconds, so a
 * process that never reads a long window never keeps them.
 */
final class ParallelReads {
    /** The most parts one read is split into (S3 asks for the most). */
    static final int MAX_PARTS = 16;

    private static final int MAX_THREADS = 64;

    private static final ThreadPoolExecutor POOL = pool();

    private ParallelReads() {}

    /** Reads {@code dst.remaining()} bytes from {@code from} into {@code dst}, in order. */
    @FunctionalInterface
    interface RangeReader {
        void read(long from, ByteBuffer dst) throws IOException;
    }

    /**
     * Fills {@code dst} with the bytes from {@code from}, split into at most about {@code parts} parts of at
     * least {@code minPart} bytes read side by side. {@code snap} moves a cut to a boundary the reader prefers
     * (the end of the object holding the byte before it), so no object is opened by two parts.
     */
    static void read(long from, ByteBuffer dst, int parts, long minPart, LongUnaryOperator snap, RangeReader reader)
            throws IOException {
        long end = from + dst.remaining();
        int n = Math.min(Math.min(parts, MAX_PARTS), (int) Math.min(Integer.MAX_VALUE, (end - from) / minPart));
        if (n < 2) {
            reader.read(from, dst);
            return;
        }
        long step = (end - from) / n;
        List<Part> work = new ArrayList<>(n + 1);
        long at = from;
        while (at < end) {
            long cut = end - at < step + minPart ? end : Math.min(end, Math.max(at + 1, snap.applyAsLong(at + step)));
            long partFrom = at;
            ByteBuffer slice = dst.slice(dst.position() + (int) (at - from), (int) (cut - at));
            work.add(() -> reader.read(partFrom, slice));
            at = cut;
        }
        run(work);
        dst.position(dst.limit());
    }

    /** One part of a read. */
    @FunctionalInterface
    interface Part {
        void read() throws IOException;
    }

    /** Runs every part, the first on this thread; rethrows the first failure once all have ended. */
    private static void run(List<Part> parts) throws IOException {
        List<Future<?>> others = new ArrayList<>(parts.size() - 1);
        for (Part part : parts.subList(1, parts.size())) {
            others.add(POOL.submit(() -> {
                try {
                    part.read();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            }));
        }
        Throwable failure = null;
        try {
            parts.get(0).read();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    // the parts write into the caller's buffer: wait for them before handing it back
                    interrupted = true;
                } catch (ExecutionException | CancellationException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    cause = cause instanceof UncheckedIOException u ? u.getCause() : cause;
                    if (failure == null) {
                        failure = cause;
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    private static ThreadPoolExecutor pool() {
        AtomicInteger n = new AtomicInteger();
        // a thread is made only when none is idle; when all are busy (many windows read at once) the
        // reading thread runs the part itself
        return new ThreadPoolExecutor(
                0,
                MAX_THREADS,
                5,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "wavestash-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
    }
}
