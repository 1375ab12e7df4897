package io.wavestash.ingest.dsp;

import io.wavestash.storage.SampleFormat;

/**
 * The level of PCM chunks in dBFS (RMS over all samples of all channels; a full-scale square wave is 0 dBFS,
 * a full-scale sine -3 dBFS), with {@link PcmFloats} turning any stored PCM layout into floats. One per format and
 * thread: it reuses its float buffer.
 */
public final class Level {
    /** What a chunk of digital silence measures. */
    public static final double SILENT_DBFS = -200.0;

    private final PcmFloats pcm;
    private final int bytesPerSample;
    private float[] floats = new float[0];

    public Level(SampleFormat format) {
        this.pcm = new PcmFloats(format);
        this.bytesPerSample = format.bytesPerSample();
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
        pcm.decode(bytes, offset, floats, samples);
        double sum = 0;
        for (int i = 0; i < samples; i++) {
            double v = floats[i];
            sum += v * v;
        }
        double rms = Math.sqrt(sum / samples);
        return rms <= 0 ? SILENT_DBFS : Math.max(SILENT_DBFS, 20 * Math.log10(rms));
    }
}
