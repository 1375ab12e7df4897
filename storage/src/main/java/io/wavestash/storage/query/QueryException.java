package io.wavestash.storage.query;

/** A window that cannot be answered as asked (bad range, unknown sensor, no data, mixed formats). */
public final class QueryException extends IllegalArgumentException {
    public QueryException(String message) {
        super(message);
    }
}
