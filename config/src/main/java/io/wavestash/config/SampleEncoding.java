package io.wavestash.config;

/** How a tone or microphone sensor's samples are encoded. */
public enum SampleEncoding {
    /** Signed integers (the default above 8 bits). */
    SIGNED,
    /** Unsigned integers (the default at 8 bits, as WAV keeps them). */
    UNSIGNED,
    /** IEEE floats of 32 or 64 bits. */
    FLOAT
}
