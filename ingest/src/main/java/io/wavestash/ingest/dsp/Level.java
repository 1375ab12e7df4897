package io.wavestash.ingest.dsp;

import io.wavestash.storage.SampleFormat;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The level of PCM chunks in dBFS (RMS over all samples of all channels; a full-scale square wave is 0 dBFS,
 * a full-scale sine -3 dBFS). Integer samples are summed as integers, read straight from the bytes (this runs on
 * every chunk as it is published); float samples go through {@link PcmFloats}. One per format and thread:
 * it reuses its float buffer.
 */
public final class Level {
    /** What a chunk of digital silence measures. */
    public static final double SILENT_DBFS = -200.0;

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final PcmFloats pcm;
    private final int bytesPerSample;
    private final boolean integer;
    private final boolean signed16Le;
    private final boolean unsigned;
    private final boolean bigEndian;
    private final long offsetOfZero;
    private final double fullScale;
    private float[] floats = new float[0];

    public Level(SampleFormat format) {
        this.pcm = new PcmFloats(format);
        this.bytesPerSample = format.bytesPerSample();
        this.integer = format.encoding() != SampleFormat.Encoding.FLOAT;
        this.unsigned = format.encoding() == SampleFormat.Encoding.UNSIGNED;
        this.bigEndian = format.byteOrder() == SampleFormat.Endian.BIG;
        this.signed16Le = integer && !unsigned && bytesPerSample == 2 && !bigEndian;
        this.offsetOfZero = 1L << (format.bitsPerSample() - 1);
        this.fullScale = Math.scalb(1.0, format.bitsPerSample() - 1);
    }

    /** RMS level of {@code length} bytes (whole samples) in dBFS; {@link #SILENT_DBFS} for digital silence. */
    public double dbfs(byte[] bytes, int offset, int length) {
        int samples = length / bytesPerSample;
        if (samples == 0) {
            return SILENT_DBFS;
        }
        double meanSquare = integer
                ? integerSquares(bytes, offset, samples) / (fullScale * fullScale) / samples
                : floatSquares(bytes, offset, samples) / samples;
        double rms = Math.sqrt(meanSquare);
        return rms <= 0 ? SILENT_DBFS : Math.max(SILENT_DBFS, 20 * Math.log10(rms));
    }

    /** The sum of the squared sample values (as integers centred on zero). */
    private double integerSquares(byte[] bytes, int offset, int samples) {
        if (signed16Le) {
            return signed16LeSquares(bytes, offset, samples);
        }
        int width = bytesPerSample;
        int signShift = 64 - 8 * width;
        double sum = 0;
        for (int i = 0, at = offset; i < samples; i++, at += width) {
            long raw = 0;
            for (int b = 0; b < width; b++) {
                int shift = 8 * (bigEndian ? width - 1 - b : b);
                raw |= (bytes[at + b] & 0xFFL) << shift;
            }
            double v = unsigned ? raw - offsetOfZero : raw << signShift >> signShift;
            sum += v * v;
        }
        return sum;
    }

    /**
     * Eight samples a loop, four a read: the daemon runs the client compiler, whose code pays for each access to the
     * array and each turn of the loop, and this runs on every chunk. A sample squared is at most 2^30, so two of
     * them fit in an int read as unsigned, and a long holds the sum of 2^33 samples.
     */
    private static long signed16LeSquares(byte[] bytes, int offset, int samples) {
        long sum = 0;
        int end = offset + 2 * samples;
        int at = offset;
        for (; at + 2 * Long.BYTES <= end; at += 2 * Long.BYTES) {
            long x = (long) LONG_LE.get(bytes, at);
            long y = (long) LONG_LE.get(bytes, at + Long.BYTES);
            int a = (short) x;
            int b = (short) (x >>> 16);
            int c = (short) (x >>> 32);
            int d = (short) (x >>> 48);
            int e = (short) y;
            int f = (short) (y >>> 16);
            int g = (short) (y >>> 32);
            int h = (short) (y >>> 48);
            sum += Integer.toUnsignedLong(a * a + b * b)
                    + Integer.toUnsignedLong(c * c + d * d)
                    + Integer.toUnsignedLong(e * e + f * f)
                    + Integer.toUnsignedLong(g * g + h * h);
        }
        for (; at < end; at += 2) {
            long v = (short) SHORT_LE.get(bytes, at);
            sum += v * v;
        }
        return sum;
    }

    private double floatSquares(byte[] bytes, int offset, int samples) {
        if (floats.length < samples) {
            floats = new float[samples];
        }
        pcm.decode(bytes, offset, floats, samples);
        double sum = 0;
        for (int i = 0; i < samples; i++) {
            double v = floats[i];
            sum += v * v;
        }
        return sum;
    }
}
