package io.wavestash.storage.codec;

import io.wavestash.storage.SampleFormat;
import java.nio.ByteBuffer;

/** Stores the PCM bytes as they came. */
final class RawCodec implements ValueCodec {
    @Override
    public int headerBytes(SampleFormat format) {
        return 0;
    }

    @Override
    public ByteBuffer encode(SampleFormat format, ByteBuffer pcm) {
        return pcm.duplicate();
    }

    @Override
    public void decode(SampleFormat format, ByteBuffer samples) {}
}
