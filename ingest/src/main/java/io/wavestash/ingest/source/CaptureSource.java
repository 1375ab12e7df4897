package io.wavestash.ingest.source;

import io.wavestash.storage.SensorId;

/**
 * Produces the {@code (session, block, chunk)} triples of one sensor. {@link #run} is called on a thread of
 * its own and returns when the source ends (a file without loop) or {@link #stop} is called.
 */
public interface CaptureSource {
    SensorId sensor();

    void run(Publisher publisher) throws Exception;

    /** Asks {@link #run} to return soon; it finishes the chunk in hand. */
    void stop();
}
