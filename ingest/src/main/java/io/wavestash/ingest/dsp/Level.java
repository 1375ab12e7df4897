package io.wavestash.ingest.dsp;

import be.tarsos.dsp.io.TarsosDSPAudioFloatConverter;
import be.tarsos.dsp.io.TarsosDSPAudioFormat;
import io.wavestash.storage.SampleFormat;

/**
 * The level of PCM chunks in dBFS (RMS over all samples of all channels; a full-scale square wave is 0 dBFS,
 * a full-scale sine -3 dBFS), with TarsosDSP turning any stored PCM layout into floats. One per format and
 * thread: it reuses its float buffer.
 */
public final class Level {
    /** What a chunk of digital silence measures. */
    public static final double SILENT_DBFS = -200.0;

    private final TarsosDSPAudioFloatConverter converter;
    private final int bytesPerSample;
    private final boolean unsigned;
    private final boolean bigEndian;
    private float[] floats = new float[0];

    public Level(SampleFormat format) {
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
            throw new IllegalArgumentException("no level meter for " + format);
        }
        this.bytesPerSample = format.bytesPerSample();
        this.unsigned = format.encoding() == SampleFormat.Encoding.UNSIGNED;
        this.bigEndian = format.byteOrder() == SampleFormat.Endian.BIG;
    }

    /** RMS level of {@code length} bytes (whole samples) in dBFS; {@link #SILENT_DBFS} for digital silence. */
    public double dbfs(byte[] bytes, int offset, int length) {
        int samples = length / bytesPerSample;
        if (samples == 0) {
            return SILENT_DBFS;
        }
        if (floats.length < samples) {
            floats = new float[samples];
        }
        if (unsigned) {
            unsignedToFloats(bytes, offset, samples);
        } else {
            converter.toFloatArray(bytes, offset, floats, 0, samples);
        }
        double sum = 0;
        for (int i = 0; i < samples; i++) {
            double v = floats[i];
            sum += v * v;
        }
        double rms = Math.sqrt(sum / samples);
        return rms <= 0 ? SILENT_DBFS : Math.max(SILENT_DBFS, 20 * Math.log10(rms));
    }

    /**
     * Unsigned samples centred on 2^(bits-1), done here: TarsosDSP 2.4 centres them one step low (8-bit 128,
     * digital silence, comes out as 1/127, about -42 dBFS).
     */
    private void unsignedToFloats(byte[] bytes, int offset, int samples) {
        double half = 1L << (8 * bytesPerSample - 1);
        for (int i = 0, at = offset; i < samples; i++, at += bytesPerSample) {
            long raw = 0;
            for (int b = 0; b < bytesPerSample; b++) {
                int shift = 8 * (bigEndian ? bytesPerSample - 1 - b : b);
                raw |= (bytes[at + b] & 0xFFL) << shift;
            }
            floats[i] = (float) ((raw - half) / half);
        }
    }
}
