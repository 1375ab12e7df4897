package io.wavestash.storage.codec;

import io.wavestash.config.Codec;
import io.wavestash.storage.SampleFormat;
import java.nio.ByteBuffer;

/**
 * How a chunk's PCM bytes are encoded as a stored object. Codecs keep the samples at a fixed offset so
 * that any part of a chunk is one positioned read.
 */
public interface ValueCodec {

    /** Bytes before the first sample in a stored object of this format. */
    int headerBytes(SampleFormat format);

    /** The stored object for {@code pcm} (position to limit, in {@code format}); {@code pcm} is not changed. */
    ByteBuffer encode(SampleFormat format, ByteBuffer pcm);

    /** Turns stored sample bytes, read from after the header, back into {@code format} in place. */
    void decode(SampleFormat format, ByteBuffer samples);

    /** The codec a config names. */
    static ValueCodec of(Codec codec) {
        return codec == Codec.WAV ? new WavCodec() : new RawCodec();
    }
}
