package io.wavestash.config;

import java.nio.file.Path;

/**
 * Where and how a store keeps its bytes.
 *
 * @param path root directory of a local store
 * @param layout physical layout of chunks
 * @param template key template, for example {@code {sensor}/{session}/{block:014d}.pcm}
 * @param codec value codec of stored chunks
 * @param fsync when writes are forced to the device
 * @param segmentSeconds length of one segment file's time slice (segments layout)
 * @param device name of this device, for templates that contain {@code {device}}; may be null
 * @param backend where the objects live; for {@link Backend#S3} the path is only where the ingest journal goes
 * @param s3 the bucket of an S3 store; null for a local one
 */
public record StoreConfig(
        Path path,
        Layout layout,
        String template,
        Codec codec,
        FsyncPolicy fsync,
        int segmentSeconds,
        String device,
        Backend backend,
        S3Config s3) {

    /** A local store. */
    public StoreConfig(
            Path path,
            Layout layout,
            String template,
            Codec codec,
            FsyncPolicy fsync,
            int segmentSeconds,
            String device) {
        this(path, layout, template, codec, fsync, segmentSeconds, device, Backend.LOCAL, null);
    }

    public static final Path DEFAULT_PATH = Path.of("wavestash-data");
    private static final String TEMPLATE_STEM = "{sensor}/{session}/{block:014d}";
    public static final int DEFAULT_SEGMENT_SECONDS = 600;

    /**
     * The embedded default: raw PCM in segment files under {@code ./wavestash-data}. Segments are the default
     * because a long window then reads a few large files instead of one small file per chunk (36,000 an hour of
     * 100 ms chunks), and a year of recording does not cost hundreds of millions of inodes.
     */
    public static StoreConfig defaults() {
        return new StoreConfig(
                DEFAULT_PATH,
                Layout.SEGMENTS,
                defaultTemplate(Layout.SEGMENTS, Codec.RAW),
                Codec.RAW,
                FsyncPolicy.BATCH,
                DEFAULT_SEGMENT_SECONDS,
                null);
    }

    /** The default template for a layout and codec: the extension says what the object holds. */
    public static String defaultTemplate(Layout layout, Codec codec) {
        String extension = layout == Layout.SEGMENTS ? ".seg" : codec == Codec.WAV ? ".wav" : ".pcm";
        return TEMPLATE_STEM + extension;
    }

    public StoreConfig withPath(Path newPath) {
        return new StoreConfig(newPath, layout, template, codec, fsync, segmentSeconds, device, backend, s3);
    }

    public StoreConfig withDevice(String newDevice) {
        return new StoreConfig(path, layout, template, codec, fsync, segmentSeconds, newDevice, backend, s3);
    }

    public boolean isLocal() {
        return backend == Backend.LOCAL;
    }

    /** Where the store is, for messages: its directory or its bucket. */
    public String where() {
        return isLocal() ? path.toString() : s3.describe();
    }
}
