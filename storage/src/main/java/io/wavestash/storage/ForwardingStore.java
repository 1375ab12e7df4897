package io.wavestash.storage;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.index.SessionEntry;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;

/** A store that forwards every call; subclasses override what they add to. */
public abstract class ForwardingStore implements ChunkStore {
    protected final ChunkStore delegate;

    protected ForwardingStore(ChunkStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public StoreConfig config() {
        return delegate.config();
    }

    @Override
    public void createSession(SessionMeta meta) {
        delegate.createSession(meta);
    }

    @Override
    public void write(SensorId sensor, long sessionEpochMicros, long block, ByteBuffer pcm, ChunkLevel level) {
        delegate.write(sensor, sessionEpochMicros, block, pcm, level);
    }

    @Override
    public ChunkPlacer placer() {
        return delegate.placer();
    }

    @Override
    public void writePlaced(SensorId sensor, long sessionEpochMicros, long block, int length, ChunkLevel level) {
        delegate.writePlaced(sensor, sessionEpochMicros, block, length, level);
    }

    @Override
    public void recordAnchor(SensorId sensor, long sessionEpochMicros, long frame, long offsetNanos) {
        delegate.recordAnchor(sensor, sessionEpochMicros, frame, offsetNanos);
    }

    @Override
    public void forEachLevel(
            SensorId sensor,
            long sessionEpochMicros,
            java.util.function.Consumer<io.wavestash.storage.index.AvailabilityIndex.LevelRecord> sink) {
        delegate.forEachLevel(sensor, sessionEpochMicros, sink);
    }

    @Override
    public void recordDropout(SensorId sensor, long sessionEpochMicros, long fromBlock, long toBlock) {
        delegate.recordDropout(sensor, sessionEpochMicros, fromBlock, toBlock);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void replayedUntilFlush() {
        delegate.replayedUntilFlush();
    }

    @Override
    public Runnable beginFlush() {
        return delegate.beginFlush();
    }

    @Override
    public void publish() {
        delegate.publish();
    }

    @Override
    public void deleteSession(SensorId sensor, long sessionEpochMicros) {
        delegate.deleteSession(sensor, sessionEpochMicros);
    }

    @Override
    public void refresh() {
        delegate.refresh();
    }

    @Override
    public Set<SensorId> sensors() {
        return delegate.sensors();
    }

    @Override
    public NavigableMap<Long, SessionEntry> sessions(SensorId sensor) {
        return delegate.sessions(sensor);
    }

    @Override
    public void read(SensorId sensor, long sessionEpochMicros, long byteFrom, ByteBuffer dst) {
        delegate.read(sensor, sessionEpochMicros, byteFrom, dst);
    }

    @Override
    public void transferTo(
            SensorId sensor, long sessionEpochMicros, long byteFrom, long count, WritableByteChannel target)
            throws java.io.IOException {
        delegate.transferTo(sensor, sessionEpochMicros, byteFrom, count, target);
    }

    @Override
    public List<String> reindex() {
        return delegate.reindex();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
