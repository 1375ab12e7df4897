package io.wavestash.storage.index;

import io.wavestash.storage.SessionMeta;

/** One session in the availability index: its metadata and the chunks present. */
public record SessionEntry(SessionMeta meta, ChunkRuns runs) {

    /** Frames from the session start to the end of its last chunk. */
    public long endFrame() {
        return runs.endByte() / meta.format().frameBytes();
    }
}
