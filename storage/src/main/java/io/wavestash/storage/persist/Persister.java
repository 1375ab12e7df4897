package io.wavestash.storage.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.function.Consumer;

/**
 * Where bytes live, by string key: a local directory, memory, an object store. Keys are relative,
 * {@code /}-separated paths; an implementation never reads or writes outside its root.
 */
public interface Persister extends AutoCloseable {
    /** The buffer of a transfer that goes through this process. */
    int TRANSFER_BUFFER_BYTES = 1 << 20;

    /** Reads a whole object; throws {@link java.nio.file.NoSuchFileException} naming the key if absent. */
    byte[] read(String key) throws IOException;

    /**
     * Reads bytes from {@code offset} into {@code dst} until it is full or the object ends.
     *
     * @return the number of bytes read
     */
    int read(String key, long offset, ByteBuffer dst) throws IOException;

    /**
     * Writes {@code count} bytes of an object from {@code offset} to {@code target}, fewer if the object ends
     * first; returns how many. Persisters that can hand bytes to the target without copying them through this
     * process (a local file to a file) do so.
     */
    default long transferTo(String key, long offset, long count, WritableByteChannel target) throws IOException {
        return copy(
                this, key, offset, count, target, ByteBuffer.allocate((int) Math.min(count, TRANSFER_BUFFER_BYTES)));
    }

    /** Reads {@code count} bytes of an object from {@code offset} through {@code buffer} into {@code target}. */
    static long copy(Persister from, String key, long offset, long count, WritableByteChannel target, ByteBuffer buffer)
            throws IOException {
        long done = 0;
        while (done < count) {
            int want = (int) Math.min(buffer.capacity(), count - done);
            int n = from.read(key, offset + done, buffer.clear().limit(want));
            buffer.flip();
            while (buffer.hasRemaining()) {
                target.write(buffer);
            }
            done += n;
            if (n < want) {
                break; // the object ended
            }
        }
        return done;
    }

    /**
     * How many reads of different objects are worth having in flight at once: a window over many small objects
     * reads them in parallel up to this many (1, the default, reads them one after another).
     */
    default int readConcurrency() {
        return 1;
    }

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

    /**
     * Takes what {@link #sync} would make durable now and returns the forcing of it, which may run later, on
     * another thread, while writing goes on; what is written meanwhile is left to the next sync. By default the
     * sync is done at once.
     */
    default Forcing startSync() throws IOException {
        sync();
        return () -> {};
    }

    /** The rest of a {@link #startSync}: forces what was written before it. */
    @FunctionalInterface
    interface Forcing {
        void force() throws IOException;
    }

    @Override
    void close() throws IOException;

    /**
     * A key, its size and, when the persister can tell, what identifies this version of the object ({@code null}
     * when it cannot): a local file's file key, which another file put in its place does not share. A reader that
     * follows an object by appends tells from it whether the object was replaced, without reading it.
     */
    record StoredObject(String key, long size, Object version) {
        public StoredObject(String key, long size) {
            this(key, size, null);
        }
    }
}
