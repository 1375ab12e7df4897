package io.wavestash.ingest.dsp;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.SampleFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcmFloatsTest {
    @Test
    void integerSamplesOfUpTo24BitsSurviveTheRoundTripExactly() {
        Random random = new Random(7);
        for (int bits : new int[] {8, 16, 24}) {
            for (SampleFormat.Endian order : SampleFormat.Endian.values()) {
                SampleFormat.Encoding encoding =
                        bits == 8 ? SampleFormat.Encoding.UNSIGNED : SampleFormat.Encoding.SIGNED;
                SampleFormat format = new SampleFormat(48_000, bits, 2, encoding, order);
                PcmFloats pcm = new PcmFloats(format);
                int samples = 20_000;
                byte[] bytes = new byte[samples * format.bytesPerSample()];
                random.nextBytes(bytes);
                // full scale both ways is in there too
                for (int b = 0; b < format.bytesPerSample(); b++) {
                    bytes[b] = (byte)
                            (b == (order == SampleFormat.Endian.BIG ? 0 : format.bytesPerSample() - 1)
                                    ? (encoding == SampleFormat.Encoding.SIGNED ? 0x80 : 0x00)
                                    : 0);
                }
                float[] floats = new float[samples];
                pcm.decode(bytes, 0, floats, samples);
                for (float f : floats) {
                    assertThat(f).isBetween(-1f, 1f);
                }
                byte[] back = new byte[bytes.length];
                pcm.encode(floats, samples, back);
                assertThat(back).as("%d-bit %s %s", bits, encoding, order).isEqualTo(bytes);
            }
        }
    }

    @Test
    void scaleIsAPowerOfTwoAndClipsAtFullScale() {
        PcmFloats pcm = new PcmFloats(SampleFormat.pcm(8_000, 16, 1));
        float[] floats = new float[2];
        pcm.decode(new byte[] {0, 0x40, 0, (byte) 0x80}, 0, floats, 2);
        assertThat(floats).containsExactly(0.5f, -1f);
        byte[] out = new byte[4];
        pcm.encode(new float[] {1.5f, -1.5f}, 2, out);
        assertThat(out).containsExactly(0xFF, 0x7F, 0x00, 0x80);
    }
}
