package io.wavestash.config;

import java.nio.file.Path;

/**
 * The whole configuration of a wavestash process.
 *
 * @param store where and how audio is stored
 */
public record WavestashConfig(StoreConfig store) {

    /** The embedded default used when no config file is given. */
    public static WavestashConfig defaults() {
        return new WavestashConfig(StoreConfig.defaults());
    }

    /** Reads and validates a YAML config file; throws {@link ConfigException} listing every problem. */
    public static WavestashConfig load(Path file) {
        return ConfigFile.read(file, WavestashConfig::from);
    }

    /** Maps a parsed config root. */
    public static WavestashConfig from(ConfigNode root) {
        return new WavestashConfig(StoreConfigReader.read(root.child("store")));
    }
}
