package io.wavestash.storage.layout;

import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.persist.Persister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.function.Consumer;

/** How chunks of a session are arranged as objects of a persister. */
public interface ChunkLayout {

    /** Stores a session's metadata beside where its chunks will go. */
    void writeMeta(SessionMeta meta) throws IOException;

    /** Stores the dropouts of a session beside its metadata (replacing what was there). */
    void writeDropouts(SessionMeta meta, java.util.List<long[]> dropouts) throws IOException;

    /** Stores the timing anchors of a session ({frame, offset ns}) beside its metadata (replacing what was there). */
    void writeAnchors(SessionMeta meta, java.util.List<long[]> anchors) throws IOException;

    /** Stores one chunk (whole frames, in the session's format) at byte offset {@code block}. */
    void writeChunk(SessionMeta meta, long block, ByteBuffer pcm) throws IOException;

    /**
     * Where chunks' bytes may be written ahead of {@link #recordChunk}, from another thread; null (the default)
     * when the layout writes a chunk's bytes only with its record.
     */
    default io.wavestash.storage.ChunkPlacer placer() {
        return null;
    }

    /** Records one chunk whose bytes {@link #placer} wrote, as {@link #writeChunk} records a chunk it writes. */
    default void recordChunk(SessionMeta meta, long block, int length) throws IOException {
        throw new UnsupportedOperationException("this layout does not take chunks written ahead");
    }

    /**
     * Tells the layout that its writer stores again, after a crash, every chunk written since the last flush: what
     * only serves to rebuild the index may then wait for the flush ({@link #writePending}). By default nothing
     * waits.
     */
    default void replayedUntilFlush() {}

    /** Writes to the persister what the layout held back of the chunks written so far; a flush calls it first. */
    default void writePending() throws IOException {}

    /**
     * Fills {@code dst} with the session's bytes starting at {@code byteFrom}; the caller guarantees, from
     * the index, that all of them are present.
     */
    void read(SessionEntry session, long byteFrom, ByteBuffer dst) throws IOException;

    /**
     * Writes {@code count} of the session's bytes from {@code byteFrom} to {@code target}, as {@link #read} would
     * give them; the caller guarantees, from the index, that all of them are present.
     */
    default void transferTo(SessionEntry session, long byteFrom, long count, WritableByteChannel target)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, Persister.TRANSFER_BUFFER_BYTES));
        for (long done = 0; done < count; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
            read(session, byteFrom + done, buffer);
            done += buffer.flip().remaining();
            while (buffer.hasRemaining()) {
                target.write(buffer);
            }
        }
    }

    /** Deletes a session's chunks and metadata. */
    void deleteSession(SessionEntry session) throws IOException;

    /**
     * Finds every session and chunk in storage (to rebuild the index); oddities go to {@code warnings}. With
     * {@code repair} (a writer's rebuild) torn tails of the layout's own logs are cut off.
     */
    List<SessionEntry> scan(Consumer<String> warnings, boolean repair) throws IOException;
}
