package io.wavestash.bench;

import io.wavestash.config.Codec;
import io.wavestash.config.FsyncPolicy;
import io.wavestash.config.Layout;
import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.wav.WavHeader;
import io.wavestash.storage.wav.WavInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Stores of 48 kHz 16-bit mono audio written as the daemon writes them: one session in 100 ms chunks. */
public final class Stored {
    public static final SampleFormat FORMAT = SampleFormat.pcm(48_000, 16, 1);
    public static final int CHUNK_FRAMES = 4_800;

    private Stored() {}

    /** A local store of {@code layout} and {@code codec} with its default template. */
    public static StoreConfig config(Path dir, Layout layout, Codec codec, FsyncPolicy fsync) {
        return new StoreConfig(
                dir,
                layout,
                StoreConfig.defaultTemplate(layout, codec),
                codec,
                fsync,
                StoreConfig.DEFAULT_SEGMENT_SECONDS,
                null);
    }

    /**
     * Records {@code seconds} of {@code pcm} (looped) as one session of {@code sensor} starting at {@code start},
     * then returns the store opened for reading.
     */
    public static ChunkStore fill(StoreConfig config, SensorId sensor, Instant start, long seconds, byte[] pcm) {
        long session = Times.toEpochMicrosExact(start);
        int chunkBytes = CHUNK_FRAMES * FORMAT.frameBytes();
        if (pcm.length % chunkBytes != 0) {
            throw new IllegalArgumentException("the audio to loop must be whole 100 ms chunks");
        }
        long total = seconds * FORMAT.sampleRateHz() * FORMAT.frameBytes();
        try (ChunkStore store = Stores.open(config, Stores.Access.WRITE)) {
            store.createSession(new SessionMeta(sensor, session, FORMAT, CHUNK_FRAMES, "bench"));
            for (long block = 0; block < total; block += chunkBytes) {
                int at = (int) (block % pcm.length);
                store.write(sensor, session, block, ByteBuffer.wrap(pcm, at, chunkBytes));
                if (block % (chunkBytes * 600L) == 0) {
                    store.flush();
                }
            }
            store.flush();
        }
        return Stores.open(config, Stores.Access.READ);
    }

    /** {@code seconds} of quiet white noise, the same every time. */
    public static byte[] noise(int seconds) {
        byte[] pcm = new byte[seconds * FORMAT.sampleRateHz() * FORMAT.frameBytes()];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < pcm.length; i += 2) {
            int sample = random.nextInt(-4_000, 4_000);
            pcm[i] = (byte) sample;
            pcm[i + 1] = (byte) (sample >> 8);
        }
        return pcm;
    }

    /** The samples of a 48 kHz 16-bit mono WAV file, cut to whole 100 ms chunks. */
    public static byte[] wavSamples(Path wav) {
        try (FileChannel in = FileChannel.open(wav)) {
            WavInfo info = WavHeader.read(in);
            if (!info.format().equals(FORMAT)) {
                throw new IllegalArgumentException(
                        wav + " is " + info.format().describe() + ", not " + FORMAT.describe());
            }
            int chunkBytes = CHUNK_FRAMES * FORMAT.frameBytes();
            long bytes = info.dataBytes() - info.dataBytes() % chunkBytes;
            if (bytes == 0 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(wav + " must hold between 100 ms and 20 minutes of audio");
            }
            ByteBuffer data = ByteBuffer.allocate((int) bytes);
            while (data.hasRemaining() && in.read(data, info.dataOffset() + data.position()) > 0) {}
            return data.array();
        } catch (IOException e) {
            throw new UncheckedIOException(wav + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a directory tree. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
