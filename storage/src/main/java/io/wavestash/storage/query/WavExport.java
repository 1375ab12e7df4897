package io.wavestash.storage.query;

import io.wavestash.storage.SensorId;
import io.wavestash.storage.wav.Pcm;
import io.wavestash.storage.wav.WavHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a window stream as a WAV file (RF64 past 4 GiB), header first, so it can go to a pipe. */
public final class WavExport {
    private static final int BUFFER_BYTES = 1 << 20;

    private WavExport() {}

    /**
     * A new hidden file beside {@code file} (its directory created) to write into and then move over it, readable
     * by all as an output file is.
     */
    public static Path tempBeside(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // the file system's default permissions apply
        }
        return temp;
    }

    /** The file of one sensor among several: {@code out} with {@code -SENSOR} before its {@code .wav}. */
    public static Path perSensor(Path out, SensorId sensor) {
        String name = out.getFileName().toString();
        int dot = name.toLowerCase().endsWith(".wav") ? name.length() - 4 : name.length();
        return out.resolveSibling(name.substring(0, dot) + "-" + sensor + name.substring(dot));
    }

    /** Streams the WAV to {@code out}; returns the bytes written. */
    public static long write(SensorWindow.Stream stream, WritableByteChannel out) throws IOException {
        ByteBuffer header = WavHeader.write(stream.format().wavNative(), stream.size());
        long written = 0;
        while (header.hasRemaining()) {
            written += out.write(header);
        }
        if (stream.format().isWavNative()) {
            written += stream.transferTo(out); // the stored bytes are the WAV's: no conversion, no copy here
        } else {
            int fb = stream.format().frameBytes();
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES - BUFFER_BYTES % fb);
            while (stream.read(buffer.clear()) > 0) {
                buffer.flip();
                Pcm.toWavNative(stream.format(), buffer);
                while (buffer.hasRemaining()) {
                    written += out.write(buffer);
                }
            }
        }
        if ((stream.size() & 1) == 1) {
            written += out.write(ByteBuffer.wrap(new byte[1]));
        }
        return written;
    }

    /** Writes the WAV to a file atomically: a failure leaves no partial file behind. */
    public static long write(SensorWindow.Stream stream, Path file) throws IOException {
        Path temp = tempBeside(file);
        try {
            long written;
            try (FileChannel out =
                    FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                written = write(stream, out);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return written;
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
