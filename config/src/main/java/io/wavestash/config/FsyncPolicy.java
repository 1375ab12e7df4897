package io.wavestash.config;

/** When written bytes are forced to the device. */
public enum FsyncPolicy {
    /** Leave it to the operating system; fastest, a power loss may lose recent chunks. */
    NEVER,
    /** Force once per written batch (the writer's flush). */
    BATCH,
    /** Force after every chunk. */
    CHUNK;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
