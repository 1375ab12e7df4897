package io.wavestash.storage;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.index.AvailabilityIndex;
import io.wavestash.storage.index.SessionEntry;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A key-templated store of PCM chunks: a persister (where bytes live), a key template (typed key to
 * string key), a value codec (how bytes are encoded) and a layout, with an availability index in front.
 * Obtain one from {@link Stores}.
 */
public interface ChunkStore extends AutoCloseable {

    StoreConfig config();

    /** Starts a session; fails if the sensor already has a session with this start. */
    void createSession(SessionMeta meta);

    /**
     * Stores a chunk of whole frames at byte offset {@code block} of a session. Writing the same chunk again
     * is harmless; a chunk that overlaps a different stored chunk is refused.
     */
    default void write(SensorId sensor, long sessionEpochMicros, long block, ByteBuffer pcm) {
        write(sensor, sessionEpochMicros, block, pcm, null);
    }

    /** Stores a chunk with what capture measured of it ({@code level} may be null); see {@link #write}. */
    void write(SensorId sensor, long sessionEpochMicros, long block, ByteBuffer pcm, ChunkLevel level);

    /**
     * Where chunks' bytes may be written ahead of {@link #writePlaced}, from another thread; null when this store
     * writes a chunk's bytes only with its record (objects that are not files, the chunks layout). Each placer is
     * for one thread; several threads place, each with its own, the chunks of different sessions.
     */
    default ChunkPlacer placer() {
        return null;
    }

    /**
     * Stores a chunk whose bytes {@link #placer} already wrote: records its {@code length} bytes at {@code block},
     * as {@link #write} does for a chunk it is given.
     */
    default void writePlaced(SensorId sensor, long sessionEpochMicros, long block, int length, ChunkLevel level) {
        throw new StoreException("store at " + config().where() + " does not take chunks written ahead");
    }

    /** Records that bytes {@code [fromBlock, toBlock)} of a session were lost at capture (queries report them as dropped). */
    void recordDropout(SensorId sensor, long sessionEpochMicros, long fromBlock, long toBlock);

    /**
     * Records a timing anchor: at frame {@code frame} of the session the wall clock was {@code offsetNanos} away
     * from the nominal instant (start + frame / rate). Anchors must come in increasing frame order; one at or
     * before the session's last anchor is ignored.
     */
    void recordAnchor(SensorId sensor, long sessionEpochMicros, long frame, long offsetNanos);

    /** The level of each chunk of a session that has one, in the order they were stored. */
    void forEachLevel(SensorId sensor, long sessionEpochMicros, Consumer<AvailabilityIndex.LevelRecord> sink);

    /** Ends a batch: makes writes durable as the fsync policy asks and publishes them to readers. */
    void flush();

    /**
     * Says that the writer stores again, after a crash, everything it wrote since its last flush (it keeps it in a
     * journal until then): what only serves to rebuild the index after a crash may then wait for the flush instead
     * of being written with each chunk. By default nothing changes.
     */
    default void replayedUntilFlush() {}

    /**
     * Publishes the writes so far and returns the rest of a flush: making them durable, which may run on another
     * thread while writing goes on (what is written meanwhile is left to the next flush). By default the whole
     * flush is done at once.
     */
    default Runnable beginFlush() {
        flush();
        return () -> {};
    }

    /**
     * Publishes the writes so far to readers (other processes see them on their next {@link #refresh}) without
     * waiting for the device; a later {@link #flush} makes them durable. By default the same as a flush.
     */
    default void publish() {
        flush();
    }

    /** Deletes a session with all its chunks. */
    void deleteSession(SensorId sensor, long sessionEpochMicros);

    /** Picks up what another process wrote since the store was opened or last refreshed. */
    void refresh();

    Set<SensorId> sensors();

    /** The sensor's sessions by start instant in epoch microseconds. */
    NavigableMap<Long, SessionEntry> sessions(SensorId sensor);

    /** Reads stored bytes of a session from {@code byteFrom} until {@code dst} is full; all must be present. */
    void read(SensorId sensor, long sessionEpochMicros, long byteFrom, ByteBuffer dst);

    /**
     * Writes {@code count} stored bytes of a session from {@code byteFrom} to {@code target}, the bytes
     * {@link #read} would give; all must be present. A local store hands file bytes to a file without copying
     * them through this process.
     */
    void transferTo(SensorId sensor, long sessionEpochMicros, long byteFrom, long count, WritableByteChannel target)
            throws java.io.IOException;

    /** Rebuilds the availability index from what storage holds; returns what it had to skip. */
    List<String> reindex();

    @Override
    void close();
}
