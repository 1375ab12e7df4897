package io.wavestash.ingest.journal;

import java.util.logging.Logger;

/**
 * Warnings of a failure that may repeat for every record: one is logged, and the same again (its numbers aside) is
 * not, until a different one comes. Any thread.
 */
final class RepeatedWarnings {
    private final Logger log;
    private String last;

    RepeatedWarnings(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} unless the one before said the same but for its numbers. */
    synchronized void warn(String message) {
        String cause = message.replaceAll("\\d+", "#");
        if (!cause.equals(last)) {
            log.warning(message);
            last = cause;
        }
    }
}
