package io.wavestash.config;

/** How chunk bytes are arranged in the persister. */
public enum Layout {
    /** One stored object per chunk, named by the key template (easy to sync to object storage). */
    CHUNKS,
    /** Chunks written into per-(sensor, session, time-slice) segment files with a range index. */
    SEGMENTS;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
