package io.wavestash.storage.query;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file written whole or not at all: the bytes go to a hidden file beside it, which replaces it on
 * {@link #commit()}; closed without a commit, the hidden file is deleted and the old file is left as it was. A
 * device or named pipe ({@code /dev/null}, a FIFO another program reads) is written in place: it cannot be
 * replaced by a file, and replacing it would break what else uses it.
 */
public final class OutputFile implements Closeable {
    private final Path target;
    private final Path temp;
    private boolean committed;

    private OutputFile(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** Prepares to write {@code target}, creating its directory; a directory there is refused, naming it. */
    public static OutputFile create(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException(target + " is a directory, not a file to write");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            return new OutputFile(target, null);
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // the file system's default permissions apply
        }
        return new OutputFile(target, temp);
    }

    /** Whether the bytes go straight to a device or pipe rather than to a file that replaces the target. */
    public boolean inPlace() {
        return temp == null;
    }

    /**
     * Opens the channel to write the bytes to (from its start). The hidden file was created empty and is not
     * truncated again: ext4 writes a file truncated to nothing out to the disk when it is closed, which for a
     * long window cost the command more than the copy itself.
     */
    public FileChannel open() throws IOException {
        return FileChannel.open(inPlace() ? target : temp, StandardOpenOption.WRITE);
    }

    /** Writes {@code bytes} as the whole content. */
    public void write(byte[] bytes) throws IOException {
        Files.write(inPlace() ? target : temp, bytes, StandardOpenOption.WRITE);
    }

    /** Forces written bytes to the disk; a device or pipe has nothing to force. */
    public void force(FileChannel channel) throws IOException {
        if (!inPlace()) {
            channel.force(false);
        }
    }

    /** Puts the written file in the target's place, atomically. */
    public void commit() throws IOException {
        if (!inPlace()) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!inPlace() && !committed) {
            Files.deleteIfExists(temp);
        }
    }
}
