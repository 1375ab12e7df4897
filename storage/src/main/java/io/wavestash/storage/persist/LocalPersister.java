package io.wavestash.storage.persist;

import com.sun.management.UnixOperatingSystemMXBean;
import io.wavestash.config.FsyncPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Objects as files under a root directory. Whole-object writes go to a temporary file that is renamed
 * over the target, so a reader or a crash never sees a partial object; {@link FsyncPolicy} decides
 * when data and directory entries are forced to the device.
 */
public final class LocalPersister implements RandomAccessPersister {
    static final String TEMP_PREFIX = ".tmp-";
    /** Files forced to the device at once: the file system commits concurrent forces together. */
    private static final int SYNC_THREADS = 16;
    /** Resolved keys remembered; beyond it they are forgotten and resolved again. */
    private static final int RESOLVED_LIMIT = 16_384;

    private final Path root;
    /** The root's path with a separator after it: a listed file's path starts with it. */
    private final String rootPrefix;

    private final FsyncPolicy fsync;
    private final Set<Path> unsyncedFiles = new LinkedHashSet<>();
    /** Counts the syncs that took {@link #unsyncedFiles}: a {@link Ready} file notes itself there once per sync. */
    private volatile long syncsTaken;

    private final Set<Path> unsyncedDirs = new LinkedHashSet<>();
    /** What {@link #startSync} took and is not forced yet: a {@link #sync} forces it too. */
    private final Set<Taken> outstanding = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private ExecutorService syncPool;
    /**
     * Keys checked and resolved before: a daemon writes a chunk and its range record to the same few thousand
     * files over and over, and checking and resolving each key again cost more garbage than the chunks.
     */
    private final Map<String, Path> resolved = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<Path, FileChannel> channels = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, FileChannel> eldest) {
            if (size() <= OpenChannels.LIMIT) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    public LocalPersister(Path root, FsyncPolicy fsync) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        String r = this.root.toString();
        this.rootPrefix = r.endsWith(java.io.File.separator) ? r : r + java.io.File.separator;
        this.fsync = fsync;
    }

    public Path root() {
        return root;
    }

    @Override
    public byte[] read(String key) throws IOException {
        Path path = resolve(key);
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key);
        }
    }

    @Override
    public int read(String key, long offset, ByteBuffer dst) throws IOException {
        return reading(key, channel -> readFully(channel, offset, dst));
    }

    /**
     * To a file (or a pipe) the kernel copies the bytes itself ({@code sendfile}); to anything else, a megabyte
     * at a time through a buffer outside the heap, so each byte is copied out of the page cache once (a heap
     * buffer is filled through the JDK's own direct buffer, a second copy). Each megabyte is read as
     * {@link #read} reads it: reading a whole transfer on one channel was slower from a cold cache.
     */
    @Override
    public long transferTo(String key, long offset, long count, WritableByteChannel target) throws IOException {
        if (target instanceof FileChannel) {
            return reading(key, channel -> transferFully(channel, offset, count, target));
        }
        ByteBuffer buffer = count >= TRANSFER_BUFFER_BYTES
                ? ByteBuffer.allocateDirect(TRANSFER_BUFFER_BYTES)
                : ByteBuffer.allocate((int) count);
        return Persister.copy(this, key, offset, count, target, buffer);
    }

    /** What is done with a channel open on an object. */
    @FunctionalInterface
    private interface ChannelUse<T> {
        T apply(FileChannel channel) throws IOException;
    }

    /**
     * Runs {@code use} on the object's file: on the channel this persister writes it through when that is open
     * (it sees the writes not yet forced), else on one opened to read it.
     */
    private <T> T reading(String key, ChannelUse<T> use) throws IOException {
        Path path = resolve(key);
        FileChannel writing;
        synchronized (this) {
            writing = channels.get(path);
        }
        if (writing != null && writing.isOpen()) {
            return use.apply(writing);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return use.apply(channel);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key);
        }
    }

    private static long transferFully(FileChannel channel, long offset, long count, WritableByteChannel target)
            throws IOException {
        long done = 0;
        while (done < count) {
            long n = channel.transferTo(offset + done, count - done, target);
            if (n <= 0) {
                if (offset + done >= channel.size()) {
                    break; // the file ended
                }
                throw new IOException("the output took no bytes"); // not a blocking channel: never loop on it
            }
            done += n;
        }
        return done;
    }

    private static int readFully(FileChannel channel, long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, offset + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public void write(String key, ByteBuffer bytes) throws IOException {
        Path target = resolve(key);
        Path dir = target.getParent();
        Path temp = dir.resolve(TEMP_PREFIX + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean moved = false;
        try {
            try (FileChannel out = createNew(temp, false)) {
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                if (fsync == FsyncPolicy.CHUNK) {
                    out.force(false);
                }
            }
            forget(target);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
        written(target, true);
    }

    @Override
    public synchronized void writeAt(String key, long offset, ByteBuffer bytes) throws IOException {
        write(channel(key), resolve(key), offset, bytes);
    }

    /** Opens the file (created if need be) and keeps its channel among those kept open. */
    @Override
    public void prepare(String key) throws IOException {
        channel(key);
    }

    /** The files the next sync forces, as written so far (for tests). */
    synchronized Set<Path> toForce() {
        return Set.copyOf(unsyncedFiles);
    }

    @Override
    public Ready ready(String key) {
        return new ReadyFile(resolve(key));
    }

    /**
     * A file written in place by one thread, found once: its channel is looked up again only once closed (the
     * least recently used, among many, or replaced), and the file is noted for the next sync, and as recently used,
     * once per sync instead of once per write. It writes without holding this persister's lock: a write that finds
     * the file closed, or not opened yet, is false, and its bytes are written again elsewhere.
     */
    private final class ReadyFile implements Ready {
        private final Path path;
        private FileChannel channel;
        /** The value of {@link #syncsTaken} when this file was last noted for a sync, or -1. */
        private long notedIn = -1;

        ReadyFile(Path path) {
            this.path = path;
        }

        @Override
        public boolean writeAt(long offset, ByteBuffer bytes) throws IOException {
            FileChannel c = channel;
            if (c == null || !c.isOpen()) {
                synchronized (LocalPersister.this) {
                    c = channels.get(path);
                }
                if (c == null || !c.isOpen()) {
                    return false;
                }
                channel = c;
            }
            try {
                writeFully(c, offset, bytes);
            } catch (ClosedChannelException closed) {
                if (Thread.interrupted()) { // an interrupt closes the channel too: keep saying it happened
                    Thread.currentThread().interrupt();
                }
                channel = null;
                return false;
            }
            if (fsync == FsyncPolicy.CHUNK) {
                c.force(false);
            } else if (fsync == FsyncPolicy.BATCH && notedIn != syncsTaken) {
                // read after the write: a sync that took the files before it counted, and this write is noted again
                synchronized (LocalPersister.this) {
                    unsyncedFiles.add(path);
                    channels.get(path); // among the recently used, not the first closed
                    notedIn = syncsTaken;
                }
            }
            return true;
        }
    }

    /** Writes all of {@code bytes} at {@code offset}, then forces them or notes the file to force, per the policy. */
    private void write(FileChannel channel, Path path, long offset, ByteBuffer bytes) throws IOException {
        writeFully(channel, offset, bytes);
        if (fsync == FsyncPolicy.CHUNK) {
            channel.force(false);
        } else if (fsync == FsyncPolicy.BATCH) {
            synchronized (this) {
                unsyncedFiles.add(path);
            }
        }
    }

    private static void writeFully(FileChannel channel, long offset, ByteBuffer bytes) throws IOException {
        for (long at = offset; bytes.hasRemaining(); ) {
            at += channel.write(bytes, at);
        }
    }

    @Override
    public synchronized long append(String key, ByteBuffer bytes) throws IOException {
        long at = channel(key).size();
        try {
            writeAt(key, at, bytes);
        } catch (IOException e) {
            // a full disk: leave no torn tail, so that the same bytes can be appended again later
            try {
                channel(key).truncate(at);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return at;
    }

    @Override
    public synchronized void truncate(String key, long size) throws IOException {
        FileChannel channel = channel(key);
        if (channel.size() > size) {
            channel.truncate(size);
            channel.force(false);
        }
    }

    @Override
    public synchronized boolean delete(String key) throws IOException {
        Path path = resolve(key);
        forget(path);
        boolean deleted = Files.deleteIfExists(path);
        if (deleted) {
            pruneEmptyDirs(path.getParent());
        }
        return deleted;
    }

    /** A file's bytes are where they stay once written. */
    @Override
    public boolean writesInPlace() {
        return true;
    }

    /** Two reads per core: enough to hide a cold disk's latency, few enough not to thrash a warm cache. */
    @Override
    public int readConcurrency() {
        return Math.min(8, 2 * Runtime.getRuntime().availableProcessors());
    }

    @Override
    public long size(String key) throws IOException {
        Path path = resolve(key);
        return Files.isRegularFile(path) ? Files.size(path) : -1;
    }

    @Override
    public void list(String prefix, Consumer<StoredObject> each) throws IOException {
        Keys.requireSafePrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return;
        }
        // a writer creates and renames temporary files all the time: one that is gone by the time the walk
        // looks at it is skipped, not an error
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path path, BasicFileAttributes attributes) {
                String name = path.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) || !attributes.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                String key = keyOf(path);
                if (key.startsWith(prefix)) {
                    each.accept(new StoredObject(key, attributes.size(), attributes.fileKey()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path path, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    /**
     * Forces every file written since the last sync, and the directories whose entries changed, including what a
     * {@link #startSync} took and has not forced yet.
     */
    @Override
    public void sync() throws IOException {
        take(true).force();
    }

    /**
     * Takes the files written since the last sync, and the directories whose entries changed, and returns their
     * forcing. Many files are forced from several threads at once, so that the file system commits them together
     * instead of one journal commit each. Forcing does not hold this persister's lock, so writing goes on
     * meanwhile; a file whose channel is closed meanwhile (least recently used, or replaced) is opened again to
     * be forced, and one deleted needs nothing. What a forcing that fails was to force is left to the next sync.
     */
    @Override
    public Forcing startSync() {
        return take(false);
    }

    private synchronized Forcing take(boolean withOutstanding) {
        if (fsync == FsyncPolicy.NEVER) {
            return () -> {};
        }
        Set<Path> files = new LinkedHashSet<>(unsyncedFiles);
        Set<Path> dirs = new LinkedHashSet<>(unsyncedDirs);
        if (withOutstanding) {
            for (Taken t : outstanding) {
                files.addAll(t.files);
                dirs.addAll(t.dirs);
            }
        }
        unsyncedFiles.clear();
        unsyncedDirs.clear();
        syncsTaken++; // under the lock: a file noted since is in the set the next sync takes
        if (files.isEmpty() && dirs.isEmpty()) {
            return () -> {};
        }
        List<FileChannel> open = new ArrayList<>(files.size());
        files.forEach(file -> open.add(channels.get(file)));
        Taken taken = new Taken(List.copyOf(files), open, List.copyOf(dirs));
        outstanding.add(taken);
        return () -> force(taken);
    }

    /** Files and directories a sync took, with the channels the files were open on then (or null). */
    private record Taken(List<Path> files, List<FileChannel> open, List<Path> dirs) {}

    private void force(Taken taken) throws IOException {
        try {
            List<Callable<Void>> forces = new ArrayList<>(taken.files.size());
            for (int i = 0; i < taken.files.size(); i++) {
                Path file = taken.files.get(i);
                FileChannel open = taken.open.get(i);
                forces.add(() -> {
                    forceFile(file, open);
                    return null;
                });
            }
            runAll(forces);
            forces.clear();
            for (Path dir : taken.dirs) {
                forces.add(() -> {
                    forceDirectory(dir);
                    return null;
                });
            }
            runAll(forces);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                unsyncedFiles.addAll(taken.files);
                unsyncedDirs.addAll(taken.dirs);
            }
            throw e;
        } finally {
            synchronized (this) {
                outstanding.remove(taken);
            }
        }
    }

    private static void forceFile(Path file, FileChannel open) throws IOException {
        if (open != null) {
            try {
                open.force(false);
                return;
            } catch (ClosedChannelException closed) {
                // closed since it was taken: force the file through a channel of its own
            }
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            c.force(false);
        } catch (NoSuchFileException deleted) {
            // deleted since it was written: nothing to force
        }
    }

    private void runAll(List<Callable<Void>> tasks) throws IOException {
        if (tasks.size() < 4) {
            for (Callable<Void> task : tasks) {
                call(task);
            }
            return;
        }
        List<Future<Void>> done;
        try {
            done = syncPool().invokeAll(tasks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while forcing files to the device");
        }
        for (Future<Void> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while forcing files to the device");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getCause());
            }
        }
    }

    private synchronized ExecutorService syncPool() {
        if (syncPool == null) {
            syncPool = Executors.newFixedThreadPool(SYNC_THREADS, r -> {
                Thread t = new Thread(r, "wavestash-fsync");
                t.setDaemon(true);
                return t;
            });
        }
        return syncPool;
    }

    private static void call(Callable<Void> task) throws IOException {
        try {
            task.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * Files kept open for writing (a sensor's segment, its range log and the sensor's index log: three a sensor,
     * and one more a sensor while the next segment is made ready), least recently used closed first: half the
     * descriptors the process may open, up to 65,536. A sensor writes each of its files every second or more
     * often, so fewer open files than that closes and opens them all the time. Asked of the platform the first
     * time a file is kept open, so a process that only reads does not start the management beans.
     */
    private static final class OpenChannels {
        static final int LIMIT = openChannels();
    }

    private static int openChannels() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return (int) Math.max(64, Math.min(65_536, unix.getMaxFileDescriptorCount() / 2));
        }
        return 64;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            sync();
        } finally {
            channels.values().forEach(LocalPersister::closeQuietly);
            channels.clear();
            if (syncPool != null) {
                syncPool.shutdown();
            }
        }
    }

    private Path resolve(String key) {
        Path path = key == null ? null : resolved.get(key);
        if (path != null) {
            return path;
        }
        path = root.resolve(Keys.requireSafe(key)).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("key '" + key + "' resolves outside the store root");
        }
        if (resolved.size() >= RESOLVED_LIMIT) {
            resolved.clear();
        }
        resolved.put(key, path);
        return path;
    }

    /** The key of a file under the root (its path after the root's, cut out rather than worked out anew). */
    private String keyOf(Path file) {
        String path = file.toString();
        String relative = path.startsWith(rootPrefix)
                ? path.substring(rootPrefix.length())
                : root.relativize(file).toString();
        return relative.replace(java.io.File.separatorChar, '/');
    }

    /**
     * The cached writable channel of an object, created if needed. The file system's calls that create and open it
     * are made without holding this persister's lock (unless the caller holds it), so that writes to files already
     * open go on meanwhile.
     */
    private FileChannel channel(String key) throws IOException {
        Path path = resolve(key);
        synchronized (this) {
            FileChannel open = channels.get(path);
            if (open != null && open.isOpen()) {
                return open;
            }
        }
        boolean[] created = {false};
        FileChannel channel = openOrCreate(path, created);
        synchronized (this) {
            FileChannel open = channels.get(path);
            if (open != null && open.isOpen()) {
                closeQuietly(channel); // opened meanwhile by another thread
                return open;
            }
            channels.put(path, channel);
        }
        if (created[0]) {
            written(path, false);
        }
        return channel;
    }

    /**
     * Creates a file that must not exist yet, and its directories if they are missing, and opens it to write (and
     * to read as well, with {@code read}). The directories are made only when the file cannot be created without
     * them: a store creates many files in directories that exist.
     */
    private static FileChannel createNew(Path path, boolean read) throws IOException {
        OpenOption[] options = read
                ? new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
        try {
            return FileChannel.open(path, options);
        } catch (NoSuchFileException noDirectory) {
            Files.createDirectories(path.getParent());
            return FileChannel.open(path, options);
        }
    }

    /**
     * Opens a file to read and write, creating it (as {@link #createNew} does) if it does not exist; {@code
     * created[0]} says whether it was created. One call to the file system for a new file in a directory that
     * exists, two for a file that exists.
     */
    private static FileChannel openOrCreate(Path path, boolean[] created) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                FileChannel channel = createNew(path, true);
                created[0] = true;
                return channel;
            } catch (FileAlreadyExistsException exists) {
                try {
                    return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException deletedMeanwhile) {
                    if (attempt == 3) {
                        throw deletedMeanwhile;
                    }
                }
            }
        }
    }

    /** Drops the cached channel of a file that is being replaced or deleted. */
    private synchronized void forget(Path path) {
        FileChannel channel = channels.remove(path);
        if (channel != null) {
            closeQuietly(channel);
        }
    }

    /** Notes a file created or replaced: its directory entry, and its bytes when {@code forceContent}, to force. */
    private void written(Path file, boolean forceContent) throws IOException {
        if (fsync == FsyncPolicy.CHUNK) {
            forceDirectory(file.getParent());
        } else if (fsync == FsyncPolicy.BATCH) {
            synchronized (this) {
                if (forceContent) {
                    unsyncedFiles.add(file);
                }
                unsyncedDirs.add(file.getParent());
            }
        }
    }

    private void pruneEmptyDirs(Path dir) {
        for (Path d = dir; d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (IOException notEmpty) {
                return;
            }
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a channel we only read from or already forced
        }
    }
}
