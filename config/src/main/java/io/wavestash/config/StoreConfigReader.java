package io.wavestash.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Reads the {@code store} mapping. */
final class StoreConfigReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private StoreConfigReader() {}

    static StoreConfig read(ConfigNode node) {
        StoreConfig d = StoreConfig.defaults();
        Path path = node.parsed("path", d.path(), StoreConfigReader::path);
        Layout layout = node.enumValue("layout", Layout.class, d.layout());
        Codec codec = node.enumValue("codec", Codec.class, d.codec());
        String template = node.string("template", null);
        if (template != null && template.isBlank()) {
            node.problem("template", "must not be empty");
        }
        if (template == null || template.isBlank()) {
            template = StoreConfig.defaultTemplate(layout, codec);
        }
        FsyncPolicy fsync = node.enumValue("fsync", FsyncPolicy.class, d.fsync());
        int segmentSeconds = node.integer("segmentSeconds", d.segmentSeconds(), 1, 86_400);
        String device = node.string("device", null);
        if (device != null && (!NAME.matcher(device).matches() || device.equals(".") || device.equals(".."))) {
            node.problem("device", "expected 1-64 characters of A-Z a-z 0-9 . _ -, found '" + device + "'");
        }
        if (layout == Layout.SEGMENTS && codec == Codec.WAV) {
            node.problem("codec", "the segments layout stores raw PCM; use codec: raw or layout: chunks");
        }
        node.finish();
        return new StoreConfig(path, layout, template, codec, fsync, segmentSeconds, device);
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
