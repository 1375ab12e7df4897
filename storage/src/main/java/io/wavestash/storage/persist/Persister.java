package io.wavestash.storage.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Where bytes live, by string key: a local directory, memory, an object store. Keys are relative,
 * {@code /}-separated paths; an implementation never reads or writes outside its root.
 */
public interface Persister extends AutoCloseable {

    /** Reads a whole object; throws {@link java.nio.file.NoSuchFileException} naming the key if absent. */
    byte[] read(String key) throws IOException;

    /**
     * Reads bytes from {@code offset} into {@code dst} until it is full or the object ends.
     *
     * @return the number of bytes read
     */
    int read(String key, long offset, ByteBuffer dst) throws IOException;

    /** Replaces an object atomically: readers see the old bytes or the new ones, never a part. */
    void write(String key, ByteBuffer bytes) throws IOException;

    /** Deletes an object; returns false if there was none. */
    boolean delete(String key) throws IOException;

    /** Size of an object in bytes, or -1 if there is none. */
    long size(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, in no particular order. */
    void list(String prefix, Consumer<StoredObject> each) throws IOException;

    /** Makes everything written so far durable, as the fsync policy asks. */
    void sync() throws IOException;

    @Override
    void close() throws IOException;

    /** A key and its size. */
    record StoredObject(String key, long size) {}
}
