package io.wavestash.ingest.dsp;

import be.tarsos.dsp.io.TarsosDSPAudioFloatConverter;
import be.tarsos.dsp.io.TarsosDSPAudioFormat;
import io.wavestash.storage.SampleFormat;

/**
 * Any stored PCM layout to floats in [-1, 1) and back, sample by sample (interleaved channels stay
 * interleaved). Integer samples of {@code b} bits are scaled by {@code 2^(b-1)}, as sox and libsndfile do, and
 * rounded back: 8, 16 and 24-bit samples survive the round trip exactly (a float holds 24 bits), 32-bit ones to
 * 24 bits. TarsosDSP's converters scale by {@code 2^(b-1) - 1} and truncate, which turns some samples one step
 * down on the way back, and centre unsigned samples one step low; they are used for float samples only.
 */
public final class PcmFloats {
    private final TarsosDSPAudioFloatConverter floats;
    private final int bytesPerSample;
    private final boolean unsigned;
    private final boolean bigEndian;
    private final double scale;
    private final long min;
    private final long max;

    public PcmFloats(SampleFormat format) {
        this.bytesPerSample = format.bytesPerSample();
        this.unsigned = format.encoding() == SampleFormat.Encoding.UNSIGNED;
        this.bigEndian = format.byteOrder() == SampleFormat.Endian.BIG;
        int bits = format.bitsPerSample();
        this.scale = Math.scalb(1.0, bits - 1);
        this.min = -(1L << (bits - 1));
        this.max = (1L << (bits - 1)) - 1;
        if (format.encoding() == SampleFormat.Encoding.FLOAT) {
            this.floats = TarsosDSPAudioFloatConverter.getConverter(new TarsosDSPAudioFormat(
                    TarsosDSPAudioFloatConverter.PCM_FLOAT,
                    format.sampleRateHz(),
                    bits,
                    format.channels(),
                    format.frameBytes(),
                    format.sampleRateHz(),
                    bigEndian));
            if (floats == null) {
                throw new IllegalArgumentException("no float conversion for " + format.describe());
            }
        } else {
            this.floats = null;
        }
    }

    /** Decodes {@code samples} samples from {@code bytes} at {@code offset} into {@code dst} from 0. */
    public void decode(byte[] bytes, int offset, float[] dst, int samples) {
        if (floats != null) {
            floats.toFloatArray(bytes, offset, dst, 0, samples);
            return;
        }
        int width = bytesPerSample;
        int signShift = 64 - 8 * width;
        for (int i = 0, at = offset; i < samples; i++, at += width) {
            long raw = 0;
            for (int b = 0; b < width; b++) {
                int shift = 8 * (bigEndian ? width - 1 - b : b);
                raw |= (bytes[at + b] & 0xFFL) << shift;
            }
            long value = unsigned ? raw + min : raw << signShift >> signShift;
            dst[i] = (float) (value / scale);
        }
    }

    /** Encodes {@code samples} floats (clipped to full scale) into {@code dst} from 0. */
    public void encode(float[] src, int samples, byte[] dst) {
        if (floats != null) {
            for (int i = 0; i < samples; i++) {
                src[i] = Math.max(-1f, Math.min(1f, src[i]));
            }
            floats.toByteArray(src, 0, samples, dst, 0);
            return;
        }
        int width = bytesPerSample;
        for (int i = 0, at = 0; i < samples; i++, at += width) {
            long value = Math.max(min, Math.min(max, Math.round(src[i] * scale)));
            long raw = unsigned ? value - min : value;
            for (int b = 0; b < width; b++) {
                int shift = 8 * (bigEndian ? width - 1 - b : b);
                dst[at + b] = (byte) (raw >>> shift);
            }
        }
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
