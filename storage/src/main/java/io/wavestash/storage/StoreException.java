package io.wavestash.storage;

/** A store operation that cannot be done; the message names the key, file or field at fault. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
