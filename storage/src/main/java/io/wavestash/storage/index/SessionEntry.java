package io.wavestash.storage.index;

import io.wavestash.storage.SessionMeta;

/** One session in the availability index: its metadata, the chunks present and the recorded dropouts. */
public record SessionEntry(SessionMeta meta, ChunkRuns runs, ByteRanges dropouts) {

    public SessionEntry(SessionMeta meta, ChunkRuns runs) {
        this(meta, runs, new ByteRanges());
    }

    /** Frames from the session start to the end of its last chunk or dropout. */
    public long endFrame() {
        long end = runs.endByte();
        for (long[] d : dropouts.all()) {
            end = Math.max(end, d[1]);
        }
        return end / meta.format().frameBytes();
    }
}
