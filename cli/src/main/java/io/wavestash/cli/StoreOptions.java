package io.wavestash.cli;

import io.wavestash.config.StoreConfig;
import io.wavestash.config.WavestashConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.Stores;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --store} and {@code --config}, shared by every command that opens a store. */
final class StoreOptions {
    @Option(
            names = "--store",
            paramLabel = "DIR",
            description = "Store directory (default: the config's, else ./wavestash-data).")
    Path store;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "YAML config file naming the store, layout, template and codec.")
    Path config;

    /**
     * The store settings: those of the config file when given; otherwise those the store was created with;
     * otherwise the embedded defaults.
     */
    StoreConfig resolve() {
        if (config != null) {
            StoreConfig fromFile = WavestashConfig.load(config).store();
            return store == null ? fromFile : fromFile.withPath(store);
        }
        Path path = store == null ? StoreConfig.DEFAULT_PATH : store;
        Optional<StoreConfig> existing = Stores.existing(path);
        return existing.orElse(StoreConfig.defaults().withPath(path));
    }

    ChunkStore open(Stores.Access access) {
        return Stores.open(resolve(), access);
    }
}
