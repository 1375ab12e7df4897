package io.wavestash.ingest.source;

import java.io.IOException;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Drives many paced sources from one thread: each chunk is emitted once it is due, the earliest first. A thousand
 * paced sources on threads of their own each wake ten times a second to emit a chunk, and every garbage
 * collection scans their thousand stacks; here one thread wakes when the next chunk of any of them is due, but at
 * most once a {@linkplain #QUANTUM_NANOS millisecond}, and emits every chunk due by then. A source that fails ends
 * alone; the others go on. A stopped source emits its chunk in hand when it is due and ends, as it does on a thread
 * of its own. A source whose ring policy is to wait for room holds up the others meanwhile; they catch up after,
 * since each is paced by its own sample clock.
 */
public final class SharedPacing implements Runnable {
    /**
     * The thread wakes at most once in this long and emits every chunk due by then, each at most this late: a
     * thousand sources fall due every 100 us, and a wake-up for each (a timer, a context switch, and another to
     * wake the ring's consumer) cost more than the chunk. 1,000 real-time sensors: 0.15 cores against 0.24.
     */
    static final long QUANTUM_NANOS = 1_000_000L;

    private final List<SteppedSource> sources;
    private final Publisher publisher;
    private final Pacer pacer;
    private final BiConsumer<SteppedSource, Exception> failed;
    private final Consumer<SteppedSource> ended;

    /**
     * The sources (all paced on {@code pacer}); {@code failed} hears of one that threw, and {@code ended} of every
     * one that is done, failed or not.
     */
    public SharedPacing(
            List<SteppedSource> sources,
            Publisher publisher,
            Pacer pacer,
            BiConsumer<SteppedSource, Exception> failed,
            Consumer<SteppedSource> ended) {
        this.sources = List.copyOf(sources);
        this.publisher = publisher;
        this.pacer = pacer;
        this.failed = failed;
        this.ended = ended;
    }

    /** A running source, ordered by when its chunk in hand is due. */
    private static final class Running {
        final SteppedSource source;
        final SteppedSource.Steps steps;
        long due;

        Running(SteppedSource source, SteppedSource.Steps steps) {
            this.source = source;
            this.steps = steps;
        }
    }

    @Override
    public void run() {
        PriorityQueue<Running> queue = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
        for (SteppedSource source : sources) {
            SteppedSource.Steps steps;
            try {
                steps = source.start(publisher);
            } catch (Exception e) {
                failed.accept(source, e);
                ended.accept(source);
                continue;
            }
            next(new Running(source, steps), queue);
        }
        Running head = null;
        long nextWake = Long.MIN_VALUE;
        try {
            while ((head = queue.poll()) != null) {
                if (head.due != Long.MIN_VALUE) {
                    // at once when it is due already (every chunk due by now goes out), else no sooner than a
                    // quantum after the last wake-up
                    boolean early = head.due > pacer.nanoTime();
                    pacer.awaitNanos(early ? Math.max(head.due, nextWake) : head.due);
                    if (early) {
                        nextWake = pacer.nanoTime() + QUANTUM_NANOS;
                    }
                }
                try {
                    head.steps.emit();
                } catch (RuntimeException e) {
                    end(head, e);
                    continue;
                }
                next(head, queue);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // as a source on its own thread, ends without publishing more
            if (head != null) {
                end(head, null);
            }
            queue.forEach(r -> end(r, null));
        }
    }

    /** Takes the source's next chunk in hand and queues it, or ends the source. */
    private void next(Running r, PriorityQueue<Running> queue) {
        try {
            if (r.steps.ready()) {
                r.due = r.steps.dueNanos();
                queue.add(r);
                return;
            }
            r.steps.finish();
        } catch (Exception e) {
            end(r, e);
            return;
        }
        end(r, null);
    }

    private void end(Running r, Exception failure) {
        Exception e = failure;
        try {
            r.steps.close();
        } catch (IOException closing) {
            if (e == null) {
                e = closing;
            } else {
                e.addSuppressed(closing);
            }
        }
        if (e != null) {
            failed.accept(r.source, e);
        }
        ended.accept(r.source);
    }
}
