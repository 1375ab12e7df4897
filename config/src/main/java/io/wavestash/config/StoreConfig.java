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
 */
public record StoreConfig(
        Path path, Layout layout, String template, Codec codec, FsyncPolicy fsync, int segmentSeconds, String device) {

    public static final Path DEFAULT_PATH = Path.of("wavestash-data");
    private static final String TEMPLATE_STEM = "{sensor}/{session}/{block:014d}";
    public static final int DEFAULT_SEGMENT_SECONDS = 600;

    /** The embedded default: chunk-per-key raw PCM under {@code ./wavestash-data}. */
    public static StoreConfig defaults() {
        return new StoreConfig(
                DEFAULT_PATH,
                Layout.CHUNKS,
                defaultTemplate(Layout.CHUNKS, Codec.RAW),
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
        return new StoreConfig(newPath, layout, template, codec, fsync, segmentSeconds, device);
    }
}
