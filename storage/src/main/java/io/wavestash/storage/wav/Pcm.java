package io.wavestash.storage.wav;

import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SampleFormat.Encoding;
import java.nio.ByteBuffer;

/** Lossless rearrangements of PCM bytes between a format and the one a WAV file holds. */
public final class Pcm {
    private Pcm() {}

    /** Rewrites {@code pcm} (position to limit) in place from {@code format} to {@code format.wavNative()}. */
    public static void toWavNative(SampleFormat format, ByteBuffer pcm) {
        if (format.isWavNative()) {
            return;
        }
        swapIfBig(format, pcm);
        flipSignIfNeeded(format, pcm);
    }

    /** The inverse of {@link #toWavNative}. */
    public static void fromWavNative(SampleFormat format, ByteBuffer pcm) {
        if (format.isWavNative()) {
            return;
        }
        flipSignIfNeeded(format, pcm);
        swapIfBig(format, pcm);
    }

    /** A silent frame's bytes in {@code format} (zero, or mid-scale for unsigned samples). */
    public static byte[] silentFrame(SampleFormat format) {
        byte[] frame = new byte[format.frameBytes()];
        if (format.encoding() == Encoding.UNSIGNED) {
            int n = format.bytesPerSample();
            for (int i = 0; i < frame.length; i += n) {
                int msb = format.byteOrder() == SampleFormat.Endian.BIG || n == 1 ? i : i + n - 1;
                frame[msb] = (byte) 0x80;
            }
        }
        return frame;
    }

    private static void swapIfBig(SampleFormat format, ByteBuffer pcm) {
        int n = format.bytesPerSample();
        if (n == 1 || format.byteOrder() == SampleFormat.Endian.LITTLE) {
            return;
        }
        for (int i = pcm.position(); i + n <= pcm.limit(); i += n) {
            for (int a = i, b = i + n - 1; a < b; a++, b--) {
                byte t = pcm.get(a);
                pcm.put(a, pcm.get(b));
                pcm.put(b, t);
            }
        }
    }

    /** WAV holds 8-bit samples unsigned and wider integers signed; flips the most significant bit. */
    private static void flipSignIfNeeded(SampleFormat format, ByteBuffer pcm) {
        int n = format.bytesPerSample();
        boolean flip = format.encoding() != Encoding.FLOAT
                && (n == 1 ? format.encoding() == Encoding.SIGNED : format.encoding() == Encoding.UNSIGNED);
        if (!flip) {
            return;
        }
        for (int i = pcm.position() + n - 1; i < pcm.limit(); i += n) {
            pcm.put(i, (byte) (pcm.get(i) ^ 0x80));
        }
    }
}
