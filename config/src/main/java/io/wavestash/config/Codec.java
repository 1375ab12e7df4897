package io.wavestash.config;

/** How a chunk's PCM bytes are encoded when stored. */
public enum Codec {
    /** The PCM bytes as captured. */
    RAW,
    /** Each stored chunk is a playable WAV file. */
    WAV;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
