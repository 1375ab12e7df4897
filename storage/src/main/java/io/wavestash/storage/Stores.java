package io.wavestash.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.codec.ValueCodec;
import io.wavestash.storage.index.AvailabilityIndex;
import io.wavestash.storage.key.KeyTemplate;
import io.wavestash.storage.layout.ChunkLayout;
import io.wavestash.storage.layout.ChunkPerKeyLayout;
import io.wavestash.storage.layout.SegmentLayout;
import io.wavestash.storage.persist.LocalPersister;
import io.wavestash.storage.persist.MemoryPersister;
import io.wavestash.storage.persist.RandomAccessPersister;
import io.wavestash.storage.persist.S3Persister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Opens stores. A local store remembers its layout, template and codec in {@code @wavestash/store.json},
 * admits one writer at a time ({@code @wavestash/writer.lock}), and marks itself dirty while a writer has it
 * open, so that a writer that died is noticed and the index rebuilt from the chunks themselves.
 */
public final class Stores {
    static final String MANIFEST = "@wavestash/store.json";
    static final String DIRTY = "@wavestash/dirty";
    static final String LOCK = "@wavestash/writer.lock";
    private static final String MAGIC = "wavestash-store";
    private static final int VERSION = 1;

    private Stores() {}

    /** Whether a store is opened to write (one process at a time) or only to read. */
    public enum Access {
        READ,
        WRITE
    }

    /** The settings a local store was created with, if {@code root} holds one. */
    public static Optional<StoreConfig> existing(Path root) {
        Path manifest = root.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromManifest(Files.readAllBytes(manifest), root, manifest.toString()));
        } catch (IOException e) {
            throw new StoreException("cannot read " + manifest + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the local store at {@code config.path()}, creating it when writing to a new directory. The
     * config's layout, template and codec must be those the store was created with.
     */
    public static ChunkStore open(StoreConfig config, Access access) {
        if (!config.isLocal()) {
            return openS3(config, access);
        }
        Path root = config.path();
        if (access == Access.READ && !Files.isRegularFile(root.resolve(MANIFEST))) {
            throw new StoreException("no wavestash store at " + root + " (import something first, or pass --store)");
        }
        FileChannel lockFile = null;
        FileLock lock = null;
        try {
            LocalPersister persister = new LocalPersister(root, config.fsync());
            if (access == Access.WRITE) {
                lockFile = FileChannel.open(
                        Files.createDirectories(root.resolve(LOCK).getParent()).resolve("writer.lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                lock = tryLock(lockFile);
                if (lock == null) {
                    lockFile.close();
                    throw new StoreException("store at " + root + " is being written by another process ("
                            + root.resolve(LOCK) + " is locked)");
                }
            }
            FileChannel heldFile = lockFile;
            FileLock held = lock;
            Runnable release = () -> {
                try {
                    if (held != null) {
                        held.release();
                        heldFile.close();
                    }
                } catch (IOException ignored) {
                    // the lock goes with the process anyway
                }
            };
            return assembleOrAllDevices(config, persister, access, release, () -> writerAlive(root));
        } catch (IOException e) {
            closeQuietly(lockFile);
            throw new StoreException("cannot open store at " + root + ": " + TemplatedStore.describe(e), e);
        } catch (RuntimeException e) {
            if (lock != null) {
                closeQuietly(lockFile);
            }
            throw e;
        }
    }

    /**
     * Opens a store in an S3 bucket. Written by one process per device (nothing locks a bucket); read by any
     * number. A template with {@code {device}} read without a device gives every device's sensors, named
     * {@code DEVICE/SENSOR}.
     */
    private static ChunkStore openS3(StoreConfig config, Access access) {
        S3Persister persister;
        try {
            persister = S3Persister.open(config.s3());
        } catch (IOException e) {
            throw new StoreException(e.getMessage(), e);
        }
        try {
            return assembleOrAllDevices(config, persister, access, persister::close, () -> true);
        } catch (IOException e) {
            persister.close();
            throw new StoreException("cannot open store at " + config.where() + ": " + TemplatedStore.describe(e), e);
        } catch (RuntimeException e) {
            persister.close();
            throw e;
        }
    }

    /**
     * The store over a persister; read without naming a device, a template with {@code {device}} gives every
     * device's data as one read-only view.
     */
    private static ChunkStore assembleOrAllDevices(
            StoreConfig config,
            RandomAccessPersister persister,
            Access access,
            Runnable release,
            BooleanSupplier writerAlive)
            throws IOException {
        boolean sharedByDevices =
                config.device() == null && KeyTemplate.of(config.template()).hasDevice();
        if (access == Access.READ && sharedByDevices) {
            return AllDevicesStore.open(
                    config,
                    persister,
                    d -> assemble(config.withDevice(d), persister, Access.READ, () -> {}, writerAlive));
        }
        return assemble(config, persister, access, release, writerAlive);
    }

    /** A store in memory, for tests and transient use. */
    public static ChunkStore memory(StoreConfig config) {
        try {
            return assemble(config, new MemoryPersister(), Access.WRITE, () -> {}, () -> false);
        } catch (IOException e) {
            throw new StoreException("memory store: " + e.getMessage(), e);
        }
    }

    /** A store over any random-access persister (the contract kit uses this). */
    public static ChunkStore over(StoreConfig config, RandomAccessPersister persister) {
        try {
            return assemble(config, persister, Access.WRITE, () -> {}, () -> false);
        } catch (IOException e) {
            throw new StoreException("store: " + e.getMessage(), e);
        }
    }

    /**
     * Puts a store together over a persister. {@code writerAlive} says whether another process is writing it
     * (a reader then trusts the index logs even if the store is marked dirty; S3 cannot tell, so it is assumed).
     */
    private static ChunkStore assemble(
            StoreConfig config,
            RandomAccessPersister persister,
            Access access,
            Runnable release,
            BooleanSupplier writerAlive)
            throws IOException {
        KeyTemplate template = KeyTemplate.of(config.template());
        checkManifest(config, persister, access);
        String device = template.hasDevice() ? config.device() : null;
        ChunkLayout layout = config.layout() == Layout.SEGMENTS
                ? new SegmentLayout(persister, template, config.segmentSeconds(), device)
                : new ChunkPerKeyLayout(persister, template, ValueCodec.of(config.codec()), device);
        AvailabilityIndex index = new AvailabilityIndex(persister, AvailabilityIndex.dirOf(device));
        boolean writable = access == Access.WRITE;
        String dirty = dirtyKey(device);
        BooleanSupplier logsCurrent = () -> {
            try {
                return writerAlive.getAsBoolean() || persister.size(dirty) < 0;
            } catch (IOException e) {
                return true;
            }
        };
        TemplatedStore store = new TemplatedStore(config, persister, layout, index, writable, release, logsCurrent);
        boolean crashed = persister.size(dirty) >= 0;
        boolean missing = index.isMissing();
        if (writable) {
            if (crashed || missing) {
                store.reindex().forEach(warn -> System.err.println("warning: " + warn));
            } else {
                index.refresh();
            }
            persister.write(
                    dirty, ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes()));
            persister.sync();
            return new DirtyMarked(store, persister, dirty);
        }
        if ((missing || crashed) && !writerAlive.getAsBoolean()) {
            store.reindex(); // in memory: the logs are stale and nobody is writing them
        } else {
            index.refresh();
        }
        return store;
    }

    /** Removes the dirty mark after a clean close. */
    private static final class DirtyMarked extends ForwardingStore {
        private final RandomAccessPersister persister;
        private final String dirty;

        DirtyMarked(ChunkStore delegate, RandomAccessPersister persister, String dirty) {
            super(delegate);
            this.persister = persister;
            this.dirty = dirty;
        }

        @Override
        public void close() {
            delegate.flush();
            try {
                persister.delete(dirty);
                persister.sync();
            } catch (IOException e) {
                throw new StoreException("cannot close store cleanly: " + e.getMessage(), e);
            } finally {
                delegate.close();
            }
        }
    }

    /** Marks a store (a device's part of it) as being written; left behind by a writer that died. */
    static String dirtyKey(String device) {
        return device == null ? DIRTY : AvailabilityIndex.DEVICES + device + "/dirty";
    }

    private static void checkManifest(StoreConfig config, RandomAccessPersister persister, Access access)
            throws IOException {
        if (persister.size(MANIFEST) < 0) {
            if (access == Access.WRITE) {
                persister.write(MANIFEST, ByteBuffer.wrap(toManifest(config)));
            }
            return;
        }
        StoreConfig stored = fromManifest(persister.read(MANIFEST), config.path(), MANIFEST);
        StringBuilder differences = new StringBuilder();
        differ(
                differences,
                "layout",
                stored.layout().configName(),
                config.layout().configName());
        differ(differences, "template", stored.template(), config.template());
        differ(differences, "codec", stored.codec().configName(), config.codec().configName());
        if (config.layout() == Layout.SEGMENTS) {
            differ(differences, "segmentSeconds", "" + stored.segmentSeconds(), "" + config.segmentSeconds());
        }
        if (differences.length() > 0) {
            throw new StoreException("store at " + config.where() + " was created with other settings:" + differences
                    + "; open it with its own settings (omit them) or copy it with 'wavestash migrate'");
        }
    }

    private static void differ(StringBuilder out, String field, String stored, String asked) {
        if (!stored.equals(asked)) {
            out.append(" ")
                    .append(field)
                    .append(" is '")
                    .append(stored)
                    .append("', not '")
                    .append(asked)
                    .append("';");
        }
    }

    private static byte[] toManifest(StoreConfig config) throws IOException {
        ObjectMapper json = new ObjectMapper(); // only a store's creation writes its manifest
        ObjectNode root = json.createObjectNode();
        root.put("magic", MAGIC).put("version", VERSION);
        root.put("layout", config.layout().configName());
        root.put("template", config.template());
        root.put("codec", config.codec().configName());
        root.put("segmentSeconds", config.segmentSeconds());
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static StoreConfig fromManifest(byte[] bytes, Path root, String origin) throws IOException {
        Map<String, Object> node = JsonObjects.read(bytes);
        if (node == null || !MAGIC.equals(JsonObjects.text(node, "magic", ""))) {
            throw new StoreException(origin + ": not a wavestash store manifest");
        }
        long version = JsonObjects.number(node, "version", 0);
        if (version != VERSION) {
            throw new StoreException(
                    origin + ": store version " + version + " is not supported (this build reads " + VERSION + ")");
        }
        try {
            return new StoreConfig(
                    root,
                    Layout.valueOf(JsonObjects.text(node, "layout", "").toUpperCase(Locale.ROOT)),
                    JsonObjects.text(node, "template", ""),
                    Codec.valueOf(JsonObjects.text(node, "codec", "").toUpperCase(Locale.ROOT)),
                    FsyncPolicy.BATCH,
                    JsonObjects.integer(node, "segmentSeconds", StoreConfig.DEFAULT_SEGMENT_SECONDS),
                    null);
        } catch (IllegalArgumentException e) {
            throw new StoreException(origin + ": unreadable store manifest: " + e.getMessage());
        }
    }

    private static boolean writerAlive(Path root) {
        try (FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
