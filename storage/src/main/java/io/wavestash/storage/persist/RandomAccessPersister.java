package io.wavestash.storage.persist;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A persister whose objects can also be written in place and appended to (files, memory). */
public interface RandomAccessPersister extends Persister {

    /** Writes {@code bytes} at {@code offset}, creating the object if needed. */
    void writeAt(String key, long offset, ByteBuffer bytes) throws IOException;

    /**
     * True when {@link #writeAt} puts bytes where they stay, so that they may be written ahead of what records
     * them, from another thread (files); false when the object is only put together later.
     */
    default boolean writesInPlace() {
        return false;
    }

    /**
     * Creates an object if needed and keeps it ready for writes through {@link #ready}, where {@link
     * #writesInPlace}; elsewhere nothing.
     */
    default void prepare(String key) throws IOException {}

    /**
     * The object {@code key} to write in place again and again, found once: a writer that puts thousands of files'
     * chunks in turn need not look each one up by its key for every write. Used from one thread. Where objects are
     * not written in place, every write through it is false.
     */
    default Ready ready(String key) {
        return (offset, bytes) -> false;
    }

    /** One object, written in place where it is ready ({@link #ready}). */
    interface Ready {
        /**
         * As {@link #writeAt}, where the object is ready for writing (prepared, or written, and not closed since):
         * false, writing nothing, where it is not. Creating an object takes several calls to the file system,
         * which a writer that must not wait can leave to {@link #prepare} on another thread.
         */
        boolean writeAt(long offset, ByteBuffer bytes) throws IOException;
    }

    /** Appends {@code bytes}, creating the object if needed; returns the offset they were written at. */
    long append(String key, ByteBuffer bytes) throws IOException;

    /** Cuts an object to {@code size} bytes (recovery of a torn tail). */
    void truncate(String key, long size) throws IOException;
}
