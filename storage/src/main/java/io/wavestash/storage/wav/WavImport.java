package io.wavestash.storage.wav;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Chunks an existing WAV recording into a store as one session: the mock sensor buffer's path. The header
 * is checked before the store is touched; a failure half-way removes what was written.
 */
public final class WavImport {
    private final Path file;
    private final WavInfo info;

    private WavImport(Path file, WavInfo info) {
        this.file = file;
        this.info = info;
    }

    /** Reads and checks the header of {@code file}; throws naming the file and what is wrong. */
    public static WavImport open(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return new WavImport(file, WavHeader.read(in));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        } catch (WavFormatException e) {
            throw new WavFormatException(file + ": " + e.getMessage());
        }
    }

    public WavInfo info() {
        return info;
    }

    /** Writes the recording as a session of {@code sensor} starting at {@code startEpochMicros}; returns its metadata. */
    public SessionMeta into(ChunkStore store, SensorId sensor, long startEpochMicros, int chunkFrames)
            throws IOException {
        SessionMeta meta = new SessionMeta(
                sensor,
                startEpochMicros,
                info.format(),
                chunkFrames,
                "file:" + file.getFileName(),
                Map.of("importedFrom", file.getFileName().toString()));
        int chunkBytes = Math.multiplyExact(chunkFrames, info.format().frameBytes());
        store.createSession(meta);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer chunk = ByteBuffer.allocate(chunkBytes);
            for (long block = 0; block < info.dataBytes(); block += chunkBytes) {
                int n = (int) Math.min(chunkBytes, info.dataBytes() - block);
                chunk.clear().limit(n);
                while (chunk.hasRemaining()) {
                    if (in.read(chunk, info.dataOffset() + block + chunk.position()) < 0) {
                        throw new IOException(file + ": the file shrank while being imported");
                    }
                }
                store.write(sensor, startEpochMicros, block, chunk.flip());
            }
            store.flush();
            return meta;
        } catch (IOException | RuntimeException e) {
            try {
                store.deleteSession(sensor, startEpochMicros);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
