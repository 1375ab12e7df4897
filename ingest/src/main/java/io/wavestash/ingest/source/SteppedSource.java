package io.wavestash.ingest.source;

import java.io.IOException;

/**
 * A source that can be driven a chunk at a time, so that many paced sources share one thread ({@link
 * SharedPacing}) instead of each waiting for its next chunk on a thread of its own. {@link #run} drives it on the
 * caller's thread.
 */
public interface SteppedSource extends CaptureSource {

    /** Whether its chunks are paced in real time: only those spend their time waiting, and are worth sharing. */
    boolean paced();

    /** Announces the session and returns the run's chunks, one step at a time. */
    Steps start(Publisher publisher) throws Exception;

    /** The steps of one run: {@link #ready}, then (when it is due) {@link #emit}, until ready says the end. */
    interface Steps extends AutoCloseable {
        /** Takes the next chunk in hand; false once the source has ended or was stopped. */
        boolean ready() throws IOException;

        /** When the chunk in hand is due on the source's pacer ({@link Long#MIN_VALUE} when not paced). */
        long dueNanos();

        /** Publishes the chunk in hand. */
        void emit();

        /** After the last chunk: publishes what the source holds back (a pending dropout, timing anchors). */
        void finish();

        @Override
        void close() throws IOException;
    }

    /** The pacer the source's due times are on. */
    Pacer pacer();

    @Override
    default void run(Publisher publisher) throws Exception {
        try (Steps steps = start(publisher)) {
            while (steps.ready()) {
                long due = steps.dueNanos();
                if (due != Long.MIN_VALUE) {
                    pacer().awaitNanos(due);
                }
                steps.emit();
            }
            steps.finish();
        }
    }
}
