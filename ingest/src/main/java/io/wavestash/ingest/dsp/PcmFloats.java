package io.wavestash.ingest.dsp;

import be.tarsos.dsp.io.TarsosDSPAudioFloatConverter;
import be.tarsos.dsp.io.TarsosDSPAudioFormat;
import io.wavestash.storage.SampleFormat;

/**
 * Any stored PCM layout to floats in [-1, 1) and back, sample by sample (interleaved channels stay
 * interleaved), with TarsosDSP's converters. Unsigned samples are decoded here: TarsosDSP 2.4 centres them one
 * step low (8-bit 128, digital silence, comes out as 1/127, about -42 dBFS).
 */
public final class PcmFloats {
    private final TarsosDSPAudioFloatConverter converter;
    private final int bytesPerSample;
    private final boolean unsigned;
    private final boolean bigEndian;

    public PcmFloats(SampleFormat format) {
        TarsosDSPAudioFormat.Encoding encoding =
                switch (format.encoding()) {
                    case SIGNED -> TarsosDSPAudioFormat.Encoding.PCM_SIGNED;
                    case UNSIGNED -> TarsosDSPAudioFormat.Encoding.PCM_UNSIGNED;
                    case FLOAT -> TarsosDSPAudioFloatConverter.PCM_FLOAT;
                };
        this.converter = TarsosDSPAudioFloatConverter.getConverter(new TarsosDSPAudioFormat(
                encoding,
                format.sampleRateHz(),
                format.bitsPerSample(),
                format.channels(),
                format.frameBytes(),
                format.sampleRateHz(),
                format.byteOrder() == SampleFormat.Endian.BIG));
        if (converter == null) {
            throw new IllegalArgumentException("no float conversion for " + format.describe());
        }
        this.bytesPerSample = format.bytesPerSample();
        this.unsigned = format.encoding() == SampleFormat.Encoding.UNSIGNED;
        this.bigEndian = format.byteOrder() == SampleFormat.Endian.BIG;
    }

    /** Decodes {@code samples} samples from {@code bytes} at {@code offset} into {@code dst} from 0. */
    public void decode(byte[] bytes, int offset, float[] dst, int samples) {
        if (!unsigned) {
            converter.toFloatArray(bytes, offset, dst, 0, samples);
            return;
        }
        double half = 1L << (8 * bytesPerSample - 1);
        for (int i = 0, at = offset; i < samples; i++, at += bytesPerSample) {
            long raw = 0;
            for (int b = 0; b < bytesPerSample; b++) {
                int shift = 8 * (bigEndian ? bytesPerSample - 1 - b : b);
                raw |= (bytes[at + b] & 0xFFL) << shift;
            }
            dst[i] = (float) ((raw - half) / half);
        }
    }

    /** Encodes {@code samples} floats (clipped to full scale) into {@code dst} from 0. Signed or float formats. */
    public void encode(float[] src, int samples, byte[] dst) {
        for (int i = 0; i < samples; i++) {
            src[i] = Math.max(-1f, Math.min(1f, src[i]));
        }
        converter.toByteArray(src, 0, samples, dst, 0);
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
