package io.wavestash.storage.query;

import io.wavestash.storage.SensorId;
import io.wavestash.storage.wav.Pcm;
import io.wavestash.storage.wav.WavHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/** Writes a window stream as a WAV file (RF64 past 4 GiB), header first, so it can go to a pipe. */
public final class WavExport {
    private static final int BUFFER_BYTES = 1 << 20;

    private WavExport() {}

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

    /**
     * Writes the WAV to a file atomically: a failure leaves no partial file behind. A device or pipe is written
     * in place.
     */
    public static long write(SensorWindow.Stream stream, Path file) throws IOException {
        try (OutputFile output = OutputFile.create(file)) {
            long written;
            try (FileChannel out = output.open()) {
                written = write(stream, out);
            }
            output.commit();
            return written;
        }
    }
}
