package io.wavestash.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * How PCM samples are laid out in bytes: interleaved frames of {@code channels} samples.
 *
 * @param sampleRateHz frames per second
 * @param bitsPerSample 8, 16, 24, 32 or (float) 64
 * @param channels samples per frame
 * @param encoding signed or unsigned integer, or IEEE float
 * @param byteOrder order of bytes within a sample
 */
public record SampleFormat(int sampleRateHz, int bitsPerSample, int channels, Encoding encoding, Endian byteOrder) {

    public enum Encoding {
        SIGNED,
        UNSIGNED,
        FLOAT
    }

    public enum Endian {
        LITTLE,
        BIG
    }

    public static final int MAX_SAMPLE_RATE_HZ = 1_536_000;
    public static final int MAX_CHANNELS = 1024;

    public SampleFormat {
        if (sampleRateHz < 1 || sampleRateHz > MAX_SAMPLE_RATE_HZ) {
            throw new IllegalArgumentException(
                    "sample rate " + sampleRateHz + " Hz is out of range 1.." + MAX_SAMPLE_RATE_HZ);
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channel count " + channels + " is out of range 1.." + MAX_CHANNELS);
        }
        if (encoding == null || byteOrder == null) {
            throw new IllegalArgumentException("encoding and byte order are required");
        }
        boolean valid = encoding == Encoding.FLOAT
                ? bitsPerSample == 32 || bitsPerSample == 64
                : bitsPerSample == 8 || bitsPerSample == 16 || bitsPerSample == 24 || bitsPerSample == 32;
        if (!valid) {
            throw new IllegalArgumentException(
                    bitsPerSample + "-bit " + encoding.name().toLowerCase() + " samples are not supported"
                            + " (integer: 8, 16, 24, 32 bits; float: 32, 64 bits)");
        }
    }

    /** Signed little-endian integer PCM. */
    public static SampleFormat pcm(int sampleRateHz, int bitsPerSample, int channels) {
        Encoding encoding = bitsPerSample == 8 ? Encoding.UNSIGNED : Encoding.SIGNED;
        return new SampleFormat(sampleRateHz, bitsPerSample, channels, encoding, Endian.LITTLE);
    }

    @JsonIgnore
    public int bytesPerSample() {
        return bitsPerSample / 8;
    }

    @JsonIgnore
    public int frameBytes() {
        return bytesPerSample() * channels;
    }

    /** True when the bytes are laid out as a WAV file stores them. */
    @JsonIgnore
    public boolean isWavNative() {
        boolean orderOk = byteOrder == Endian.LITTLE || bitsPerSample == 8;
        boolean signOk = bitsPerSample == 8 ? encoding == Encoding.UNSIGNED : encoding != Encoding.UNSIGNED;
        return orderOk && signOk;
    }

    /** The format a WAV file holds these samples in: same rate, depth and channels. */
    public SampleFormat wavNative() {
        if (isWavNative()) {
            return this;
        }
        Encoding e =
                encoding == Encoding.FLOAT ? Encoding.FLOAT : bitsPerSample == 8 ? Encoding.UNSIGNED : Encoding.SIGNED;
        return new SampleFormat(sampleRateHz, bitsPerSample, channels, e, Endian.LITTLE);
    }

    /** For messages: {@code 48000 Hz, 24-bit signed, 2 ch}. */
    public String describe() {
        return sampleRateHz + " Hz, " + bitsPerSample + "-bit "
                + encoding.name().toLowerCase() + (bitsPerSample > 8 && byteOrder == Endian.BIG ? " big-endian" : "")
                + ", " + channels + " ch";
    }
}
