package io.wavestash.storage;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.index.AvailabilityIndex;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.persist.Persister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A read-only view of a store that several devices write ({@code {device}} in its template): each device's
 * sensors, named {@code DEVICE/SENSOR}, read through that device's own availability index. Devices are found
 * from their index directories, never by listing the audio.
 */
final class AllDevicesStore implements ChunkStore {
    /** Opens the store of one device. */
    interface DeviceOpener {
        ChunkStore open(String device) throws IOException;
    }

    private final StoreConfig config;
    private final Persister persister;
    private final DeviceOpener opener;
    private final Map<String, ChunkStore> devices = new TreeMap<>();

    private AllDevicesStore(StoreConfig config, Persister persister, DeviceOpener opener) {
        this.config = config;
        this.persister = persister;
        this.opener = opener;
    }

    static ChunkStore open(StoreConfig config, Persister persister, DeviceOpener opener) throws IOException {
        AllDevicesStore store = new AllDevicesStore(config, persister, opener);
        try {
            store.discover();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Opens the devices that appeared since the last look. */
    private synchronized void discover() throws IOException {
        Set<String> found = new TreeSet<>();
        persister.list(AvailabilityIndex.DEVICES, o -> {
            String rest = o.key().substring(AvailabilityIndex.DEVICES.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.startsWith("index/", slash + 1)) {
                found.add(rest.substring(0, slash));
            }
        });
        for (String device : found) {
            if (!devices.containsKey(device)) {
                try {
                    SensorId.requireName("device", device);
                } catch (IllegalArgumentException e) {
                    continue; // not one of ours
                }
                devices.put(device, opener.open(device));
            }
        }
    }

    @Override
    public StoreConfig config() {
        return config;
    }

    @Override
    public synchronized Set<SensorId> sensors() {
        Set<SensorId> out = new TreeSet<>();
        devices.forEach((device, store) -> store.sensors().forEach(s -> out.add(SensorId.qualified(device, s))));
        return out;
    }

    @Override
    public NavigableMap<Long, SessionEntry> sessions(SensorId sensor) {
        ChunkStore store = storeOf(sensor, false);
        NavigableMap<Long, SessionEntry> out = new TreeMap<>();
        if (store == null) {
            return out;
        }
        store.sessions(sensor.local()).forEach((start, e) -> {
            SessionMeta m = e.meta();
            SessionMeta named = new SessionMeta(
                    sensor, m.startEpochMicros(), m.format(), m.chunkFrames(), m.source(), m.attributes());
            out.put(start, new SessionEntry(named, e.runs(), e.dropouts(), e.anchors(), e.levels()));
        });
        return out;
    }

    @Override
    public void read(SensorId sensor, long sessionEpochMicros, long byteFrom, ByteBuffer dst) {
        storeOf(sensor, true).read(sensor.local(), sessionEpochMicros, byteFrom, dst);
    }

    @Override
    public void transferTo(SensorId sensor, long session, long byteFrom, long count, WritableByteChannel target)
            throws java.io.IOException {
        storeOf(sensor, true).transferTo(sensor.local(), session, byteFrom, count, target);
    }

    @Override
    public void forEachLevel(SensorId sensor, long session, Consumer<AvailabilityIndex.LevelRecord> sink) {
        storeOf(sensor, true).forEachLevel(sensor.local(), session, sink);
    }

    @Override
    public synchronized void refresh() {
        try {
            discover();
        } catch (IOException e) {
            throw new StoreException(
                    "cannot look for devices in " + config.where() + ": " + TemplatedStore.describe(e), e);
        }
        devices.values().forEach(ChunkStore::refresh);
    }

    private synchronized ChunkStore storeOf(SensorId sensor, boolean required) {
        ChunkStore store = sensor.isQualified() ? devices.get(sensor.device()) : null;
        if (store == null && required) {
            throw new StoreException("no sensor " + sensor + " in " + config.where() + ": devices share this store, so"
                    + " name sensors DEVICE/SENSOR (devices: " + String.join(", ", devices.keySet()) + ")");
        }
        return store;
    }

    @Override
    public List<String> reindex() {
        List<String> warnings = new ArrayList<>();
        devices.forEach((device, store) -> store.reindex().forEach(w -> warnings.add(device + ": " + w)));
        return warnings;
    }

    @Override
    public void createSession(SessionMeta meta) {
        throw readOnly();
    }

    @Override
    public void write(SensorId sensor, long session, long block, ByteBuffer pcm, ChunkLevel level) {
        throw readOnly();
    }

    @Override
    public void recordDropout(SensorId sensor, long session, long fromBlock, long toBlock) {
        throw readOnly();
    }

    @Override
    public void recordAnchor(SensorId sensor, long session, long frame, long offsetNanos) {
        throw readOnly();
    }

    @Override
    public void flush() {
        throw readOnly();
    }

    @Override
    public void deleteSession(SensorId sensor, long session) {
        throw readOnly();
    }

    private StoreException readOnly() {
        return new StoreException("store at " + config.where()
                + " is shared by devices and read as a whole; write it with a config that names its device");
    }

    @Override
    public synchronized void close() {
        try {
            devices.values().forEach(ChunkStore::close);
        } finally {
            devices.clear();
            try {
                persister.close();
            } catch (IOException ignored) {
                // closed by the device stores already
            }
        }
    }
}
