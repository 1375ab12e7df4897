package io.wavestash.storage.codec;

import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.wav.Pcm;
import io.wavestash.storage.wav.WavHeader;
import java.nio.ByteBuffer;

/** Stores each chunk as a playable WAV file (samples rearranged to what WAV holds, losslessly). */
final class WavCodec implements ValueCodec {
    @Override
    public int headerBytes(SampleFormat format) {
        return WavHeader.length(format.wavNative());
    }

    @Override
    public ByteBuffer encode(SampleFormat format, ByteBuffer pcm) {
        ByteBuffer header = WavHeader.write(format.wavNative(), pcm.remaining());
        ByteBuffer out = ByteBuffer.allocate(header.remaining() + pcm.remaining());
        out.put(header);
        int samplesAt = out.position();
        out.put(pcm.duplicate());
        Pcm.toWavNative(format, out.flip().position(samplesAt));
        return out.position(0);
    }

    @Override
    public void decode(SampleFormat format, ByteBuffer samples) {
        Pcm.fromWavNative(format, samples);
    }
}
