package io.wavestash.ingest.dsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.testing.Sox;
import io.wavestash.storage.wav.WavInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Levels of sox-made sines in every stored encoding: a sine at amplitude a is 20 log10(a / sqrt 2) dBFS; digital
 * silence (made without dither) is the floor.
 */
class LevelTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}-bit {1}, {2} ch, amplitude {3}")
    @CsvSource({
        "16, signed-integer,   1, 1.0",
        "16, signed-integer,   2, 0.5",
        "24, signed-integer,   1, 0.1",
        "32, signed-integer,   1, 0.01",
        "32, floating-point,   1, 0.5",
        "8,  unsigned-integer, 1, 0.5"
    })
    void aSineMeasuresItsRmsInDbfs(int bits, String encoding, int channels, double amplitude) throws Exception {
        Path wav = dir.resolve("sine.wav");
        Sox.run(
                "-R",
                "-n",
                "-r",
                "48000",
                "-b",
                "" + bits,
                "-e",
                encoding,
                "-c",
                "" + channels,
                wav.toString(),
                "synth",
                "1",
                "sine",
                "1000",
                "vol",
                "" + amplitude);
        WavInfo info = Sox.infoOf(wav);
        byte[] pcm = Sox.dataOf(wav);
        double expected = 20 * Math.log10(amplitude / Math.sqrt(2));
        double tolerance = bits == 8 ? 0.1 : 0.05; // 8-bit quantization noise
        assertThat(new Level(info.format()).dbfs(pcm, 0, pcm.length)).isCloseTo(expected, within(tolerance));
    }

    @ParameterizedTest(name = "{0}-bit {1}: digital silence")
    @CsvSource({"16, signed-integer", "8, unsigned-integer", "32, floating-point"})
    void digitalSilenceIsTheFloor(int bits, String encoding) throws Exception {
        Path wav = dir.resolve("silence.wav");
        Sox.run(
                "-D",
                "-n",
                "-r",
                "8000",
                "-b",
                "" + bits,
                "-e",
                encoding,
                "-c",
                "1",
                wav.toString(),
                "trim",
                "0",
                "0.5");
        byte[] pcm = Sox.dataOf(wav);
        assertThat(new Level(Sox.infoOf(wav).format()).dbfs(pcm, 0, pcm.length)).isEqualTo(Level.SILENT_DBFS);
    }

    /** Integer samples are summed straight from their bytes; the result is the one their float values give. */
    @ParameterizedTest(name = "{0}-bit {1} {2}-endian")
    @CsvSource({
        "16, SIGNED, LITTLE",
        "16, SIGNED, BIG",
        "24, SIGNED, LITTLE",
        "24, SIGNED, BIG",
        "8, UNSIGNED, LITTLE",
        "32, SIGNED, BIG",
        "16, UNSIGNED, LITTLE"
    })
    void integerSamplesMeasureAsTheirFloatValues(int bits, String encoding, String endian) {
        SampleFormat format = new SampleFormat(
                48_000, bits, 2, SampleFormat.Encoding.valueOf(encoding), SampleFormat.Endian.valueOf(endian));
        byte[] pcm = new byte[4_800 * format.frameBytes()];
        new java.util.SplittableRandom(bits).nextBytes(pcm);
        int samples = pcm.length / format.bytesPerSample();
        float[] floats = new float[samples];
        new PcmFloats(format).decode(pcm, 0, floats, samples);
        double sum = 0;
        for (float f : floats) {
            sum += (double) f * f;
        }
        double expected = 20 * Math.log10(Math.sqrt(sum / samples));
        assertThat(new Level(format).dbfs(pcm, 0, pcm.length))
                .isCloseTo(expected, within(1e-6)); // a float holds 24 bits of a 32-bit sample
    }

    /**
     * 16-bit little-endian samples are read four at a time: any offset and length (the tail of fewer than four
     * samples included) measures what summing each sample gives, down to full scale's most negative value.
     */
    @ParameterizedTest(name = "offset {0}, {1} samples")
    @CsvSource({"0, 0", "0, 1", "1, 3", "3, 4", "2, 5", "7, 4801", "0, 4800"})
    void signed16LeMeasuresEverySampleAtAnyOffset(int offset, int samples) {
        SampleFormat format = new SampleFormat(48_000, 16, 1, SampleFormat.Encoding.SIGNED, SampleFormat.Endian.LITTLE);
        for (boolean fullScale : new boolean[] {false, true}) {
            byte[] pcm = new byte[offset + 2 * samples + 3];
            new java.util.SplittableRandom(samples).nextBytes(pcm);
            long sum = 0;
            for (int i = 0; i < samples; i++) {
                int at = offset + 2 * i;
                if (fullScale) {
                    pcm[at] = 0;
                    pcm[at + 1] = (byte) 0x80; // -32768
                }
                long v = (short) ((pcm[at + 1] << 8) | (pcm[at] & 0xFF));
                sum += v * v;
            }
            double expected = samples == 0 || sum == 0
                    ? Level.SILENT_DBFS
                    : 20 * Math.log10(Math.sqrt(sum / (32768.0 * 32768.0) / samples));
            assertThat(new Level(format).dbfs(pcm, offset, 2 * samples))
                    .as("full scale: %s", fullScale)
                    .isCloseTo(expected, within(1e-9));
        }
    }
}
