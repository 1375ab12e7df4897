package io.wavestash.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Reads the {@code store} mapping (and the store part of {@code mirror}). */
final class StoreConfigReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String DEVICE_STEM = "{device}/";

    private StoreConfigReader() {}

    static StoreConfig read(ConfigNode node) {
        return read(node, null, null);
    }

    /**
     * Reads a store; {@code forced} fixes the backend (a mirror writes to S3), and {@code local} is the store a
     * mirror copies, whose path and device it shares.
     */
    static StoreConfig read(ConfigNode node, Backend forced, StoreConfig local) {
        StoreConfig d = StoreConfig.defaults();
        Backend backend = forced;
        if (forced == null) {
            backend = node.enumValue("backend", Backend.class, node.has("s3") ? Backend.S3 : Backend.LOCAL);
        }
        Path path = local != null ? local.path() : node.parsed("path", d.path(), StoreConfigReader::path);
        Layout layout = node.enumValue("layout", Layout.class, null);
        Codec codec = node.enumValue("codec", Codec.class, d.codec());
        if (layout == null) { // a bucket and WAV chunks need one object per chunk; elsewhere segment files
            layout = backend == Backend.S3 || codec == Codec.WAV ? Layout.CHUNKS : d.layout();
        }
        String device = node.string("device", local == null ? null : local.device());
        if (device != null && (!NAME.matcher(device).matches() || device.equals(".") || device.equals(".."))) {
            node.problem("device", "expected 1-64 characters of A-Z a-z 0-9 . _ -, found '" + device + "'");
        }
        String template = node.string("template", null);
        if (template != null && template.isBlank()) {
            node.problem("template", "must not be empty");
        }
        if (template == null || template.isBlank()) {
            template = StoreConfig.defaultTemplate(layout, codec);
            if (local != null) {
                template = DEVICE_STEM + template; // a shared bucket keeps each device's audio apart
            }
        }
        if (local != null && template.contains("{device") && device == null) { // a store read without a device: all
            node.problem("device", "is required: template '" + template + "' has {device}");
        }
        FsyncPolicy fsync = node.enumValue("fsync", FsyncPolicy.class, d.fsync());
        int segmentSeconds = node.integer("segmentSeconds", d.segmentSeconds(), 1, 86_400);
        if (layout == Layout.SEGMENTS && codec == Codec.WAV) {
            node.problem("codec", "the segments layout stores raw PCM; use codec: raw or layout: chunks");
        }
        S3Config s3 = null;
        if (backend == Backend.S3) {
            if (layout == Layout.SEGMENTS) {
                node.problem(
                        "layout",
                        "an S3 store keeps one object per chunk (layout: chunks); objects cannot be"
                                + " written in place as segment files are");
            }
            s3 = S3Config.read(node.child("s3"));
        } else if (node.has("s3")) {
            node.problem("s3", "is only read with backend: s3");
        }
        node.known("s3");
        node.finish();
        return new StoreConfig(path, layout, template, codec, fsync, segmentSeconds, device, backend, s3);
    }

    private static Path path(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + e.getMessage());
        }
    }
}
