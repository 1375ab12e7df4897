package io.wavestash.config;

import java.nio.file.Path;

/**
 * The whole configuration of a wavestash process.
 *
 * @param store where and how audio is stored
 * @param ingest what the ingest daemon records
 * @param http the HTTP API and web page
 * @param mirror the copy of the store kept in object storage; null: none
 */
public record WavestashConfig(StoreConfig store, IngestConfig ingest, HttpConfig http, MirrorConfig mirror) {

    public WavestashConfig(StoreConfig store, IngestConfig ingest) {
        this(store, ingest, HttpConfig.defaults(), null);
    }

    public WavestashConfig(StoreConfig store, IngestConfig ingest, HttpConfig http) {
        this(store, ingest, http, null);
    }

    /** The embedded default used when no config file is given. */
    public static WavestashConfig defaults() {
        return new WavestashConfig(StoreConfig.defaults(), IngestConfig.none());
    }

    /**
     * Reads and validates a YAML config file; throws {@link ConfigException} listing every problem. Relative
     * paths of files a sensor reads are resolved against the config file's directory.
     */
    public static WavestashConfig load(Path file) {
        Path base = file.toAbsolutePath().getParent();
        return ConfigFile.read(file, root -> from(root, base));
    }

    /** Maps a parsed config root; relative sensor file paths stay relative. */
    public static WavestashConfig from(ConfigNode root) {
        return from(root, null);
    }

    static WavestashConfig from(ConfigNode root, Path baseDir) {
        StoreConfig store = StoreConfigReader.read(root.child("store"));
        IngestConfig ingest = IngestConfigReader.read(root, baseDir);
        HttpConfig http = HttpConfig.read(root.child("http"));
        root.known("mirror");
        MirrorConfig mirror = null;
        if (root.has("mirror")) {
            mirror = MirrorConfig.read(root.child("mirror"), store);
            if (!store.isLocal()) {
                root.problem("mirror", "mirrors a local store; this store is already in S3");
            }
        }
        return new WavestashConfig(store, ingest, http, mirror);
    }
}
