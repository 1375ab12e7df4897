package io.wavestash.bench.jmh;

import io.wavestash.config.Codec;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.codec.ValueCodec;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Value codecs on one 100 ms chunk: encoding it as the stored object and decoding the stored samples back,
 * for WAV's own format (16-bit little-endian) and one WAV must convert (24-bit big-endian stereo).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBench {
    @Param({"raw", "wav"})
    public String codec;

    @Param({"s16le-mono", "s24be-stereo"})
    public String format;

    private ValueCodec values;
    private SampleFormat sampleFormat;
    private ByteBuffer pcm;
    private byte[] stored;
    private ByteBuffer samples;

    @Setup
    public void setUp() {
        values = ValueCodec.of(Codec.valueOf(codec.toUpperCase(Locale.ROOT)));
        sampleFormat = format.equals("s16le-mono")
                ? SampleFormat.pcm(48_000, 16, 1)
                : new SampleFormat(48_000, 24, 2, SampleFormat.Encoding.SIGNED, SampleFormat.Endian.BIG);
        byte[] bytes = new byte[4_800 * sampleFormat.frameBytes()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + (i >> 9));
        }
        pcm = ByteBuffer.wrap(bytes);
        ByteBuffer encoded = values.encode(sampleFormat, pcm);
        stored = new byte[encoded.remaining()];
        encoded.get(stored);
        samples = ByteBuffer.allocate(stored.length - values.headerBytes(sampleFormat));
    }

    @Benchmark
    public ByteBuffer encode() {
        return values.encode(sampleFormat, pcm);
    }

    @Benchmark
    public ByteBuffer decode() {
        samples.clear();
        samples.put(stored, values.headerBytes(sampleFormat), samples.capacity())
                .flip();
        values.decode(sampleFormat, samples);
        return samples;
    }
}
