package io.wavestash.storage.index;

import io.wavestash.storage.SessionClock;
import io.wavestash.storage.SessionMeta;

/**
 * One session in the availability index: its metadata, the chunks present, the recorded dropouts, the
 * timing anchors and the summary of its chunk levels.
 */
public record SessionEntry(
        SessionMeta meta, ChunkRuns runs, ByteRanges dropouts, ClockAnchors anchors, LevelSummary levels) {

    public SessionEntry(SessionMeta meta, ChunkRuns runs) {
        this(meta, runs, new ByteRanges(), new ClockAnchors(), new LevelSummary());
    }

    /** Frames from the session start to the end of its last chunk or dropout. */
    public long endFrame() {
        long end = runs.endByte();
        for (long[] d : dropouts.all()) {
            end = Math.max(end, d[1]);
        }
        return end / meta.format().frameBytes();
    }

    /** How the session's sample positions map to instants (through its anchors, if any). */
    public SessionClock clock() {
        return anchors.isEmpty()
                ? SessionClock.nominal(meta.startEpochMicros(), meta.format().sampleRateHz())
                : SessionClock.anchored(meta.startEpochMicros(), meta.format().sampleRateHz(), anchors.all());
    }
}
