package io.wavestash.storage.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/** Keeps objects in memory; for tests and for stores that need no durability. */
public final class MemoryPersister implements RandomAccessPersister {
    private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

    @Override
    public byte[] read(String key) throws IOException {
        byte[] bytes = objects.get(Keys.requireSafe(key));
        if (bytes == null) {
            throw new NoSuchFileException(key);
        }
        return bytes.clone();
    }

    @Override
    public int read(String key, long offset, ByteBuffer dst) throws IOException {
        byte[] bytes = objects.get(Keys.requireSafe(key));
        if (bytes == null) {
            throw new NoSuchFileException(key);
        }
        if (offset >= bytes.length) {
            return 0;
        }
        int n = (int) Math.min(dst.remaining(), bytes.length - offset);
        dst.put(bytes, (int) offset, n);
        return n;
    }

    @Override
    public void write(String key, ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        objects.put(Keys.requireSafe(key), copy);
    }

    @Override
    public synchronized void writeAt(String key, long offset, ByteBuffer bytes) {
        byte[] old = objects.getOrDefault(Keys.requireSafe(key), new byte[0]);
        int end = Math.toIntExact(offset + bytes.remaining());
        byte[] grown = old.length >= end ? old.clone() : Arrays.copyOf(old, end);
        bytes.get(grown, (int) offset, bytes.remaining());
        objects.put(key, grown);
    }

    @Override
    public synchronized long append(String key, ByteBuffer bytes) {
        long at = objects.getOrDefault(Keys.requireSafe(key), new byte[0]).length;
        writeAt(key, at, bytes);
        return at;
    }

    @Override
    public synchronized void truncate(String key, long size) {
        byte[] old = objects.get(Keys.requireSafe(key));
        if (old != null && old.length > size) {
            objects.put(key, Arrays.copyOf(old, (int) size));
        }
    }

    @Override
    public boolean delete(String key) {
        return objects.remove(Keys.requireSafe(key)) != null;
    }

    @Override
    public long size(String key) {
        byte[] bytes = objects.get(Keys.requireSafe(key));
        return bytes == null ? -1 : bytes.length;
    }

    @Override
    public void list(String prefix, Consumer<StoredObject> each) {
        Keys.requireSafePrefix(prefix);
        List<Map.Entry<String, byte[]>> snapshot =
                List.copyOf(objects.tailMap(prefix).entrySet());
        for (Map.Entry<String, byte[]> e : snapshot) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            each.accept(new StoredObject(e.getKey(), e.getValue().length));
        }
    }

    @Override
    public void sync() {}

    @Override
    public void close() {}
}
