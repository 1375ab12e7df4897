package io.wavestash.config;

/** Where a store's objects live. */
public enum Backend {
    /** Files under the store's path. */
    LOCAL,
    /** Objects in an S3-compatible bucket. */
    S3;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
