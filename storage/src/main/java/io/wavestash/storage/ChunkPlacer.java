package io.wavestash.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes chunks' bytes where the store keeps them, ahead of the store's writer, which then records them with
 * {@link ChunkStore#writePlaced}: a writer that journals only where each chunk went writes every byte once. Used
 * from one thread of its own while the store's writer goes on. The caller keeps a session's placed chunks apart
 * (it places chunks of sessions that are new to the store, each byte once); the store checks nothing here.
 */
public interface ChunkPlacer {

    /** True when the store holds nothing of this session, so that its chunks may be placed. */
    boolean isNew(SessionMeta meta) throws IOException;

    /**
     * Writes a chunk of whole frames at byte offset {@code block} of the session, where the files it goes to are
     * ready ({@link #prepare}); nothing reads it yet. False when one is not: the chunk is then not placed (or only
     * in part, which a later write of the same bytes makes whole).
     */
    boolean place(SessionMeta meta, long block, ByteBuffer pcm) throws IOException;

    /**
     * Makes the file ready that the session's bytes at {@code block} go to, creating it; returns where its part of
     * the session ends. Any thread: this is the slow part of a new file, kept off the thread that places.
     */
    long prepare(SessionMeta meta, long block) throws IOException;

    /** Bytes of a session that one file holds. */
    long span(SessionMeta meta);
}
