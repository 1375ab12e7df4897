package io.wavestash.storage.persist;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A persister whose objects can also be written in place and appended to (files, memory). */
public interface RandomAccessPersister extends Persister {

    /** Writes {@code bytes} at {@code offset}, creating the object if needed. */
    void writeAt(String key, long offset, ByteBuffer bytes) throws IOException;

    /** Appends {@code bytes}, creating the object if needed; returns the offset they were written at. */
    long append(String key, ByteBuffer bytes) throws IOException;

    /** Cuts an object to {@code size} bytes (recovery of a torn tail). */
    void truncate(String key, long size) throws IOException;
}
