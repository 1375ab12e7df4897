package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Playback through a real javax.sound {@code SourceDataLine}: a test-only asoundrc makes ALSA's default device
 * the {@code file} plugin, which writes what it is given to a file.
 */
class PlaybackTest {
    @TempDir
    Path dir;

    Path home;
    Path played;
    Path store;

    @BeforeEach
    void alsaDefaultDeviceWritesAFile() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        played = dir.resolve("played.raw");
        store = dir.resolve("store");
        Files.writeString(
                home.resolve(".asoundrc"),
                """
                pcm.!default {
                  type file
                  slave.pcm "null"
                  file "%s"
                  format "raw"
                }
                """
                        .formatted(played));
    }

    private void importWav(Path wav, String sensor, String start) {
        CliRun run = CliRun.inProcess(
                "import", "--store", store.toString(), "--sensor", sensor, "--start", start, wav.toString());
        assertThat(run.exit()).as(run.err()).isZero();
    }

    private CliRun play(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("play", "--store", store.toString()));
        all.addAll(List.of(args));
        return CliRun.process(dir, Map.of("HOME", home.toString()), List.of(), all.toArray(String[]::new));
    }

    @Test
    void theDeviceReceivesTheStoredSamplesAcrossASessionBoundaryAndAGapOfExactSilence() throws Exception {
        Path a = Sox.synth(dir.resolve("a.wav"), 16_000, 16, "signed-integer", 1, 2.0);
        Path b = Sox.synth(dir.resolve("b.wav"), 16_000, 16, "signed-integer", 1, 1.5);
        Path c = Sox.synth(dir.resolve("c.wav"), 16_000, 16, "signed-integer", 1, 1.0);
        importWav(a, "porch", "2026-11-20T10:00:00Z");
        importWav(b, "porch", "2026-11-20T10:00:02Z"); // right after a: a session boundary, no gap
        importWav(c, "porch", "2026-11-20T10:00:04.25Z"); // 0.75 s after b ends
        CliRun run = play("--sensor", "porch", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:05.25Z");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err())
                .contains("playing 16000 Hz, 16-bit signed, 1 ch as stored", "1 gap(s) as silence", "played 5.250 s");
        byte[] expected = Bytes.concat(Sox.dataOf(a), Sox.dataOf(b), new byte[12_000 * 2], Sox.dataOf(c));
        Bytes.assertSame(Files.readAllBytes(played), expected, "bytes the device received");

        Files.delete(played);
        run = play(
                "--sensor",
                "porch",
                "--from",
                "2026-11-20T10:00:00Z",
                "--to",
                "2026-11-20T10:00:05.25Z",
                "--skip-gaps");
        assertThat(run.exit()).as(run.err()).isZero();
        Bytes.assertSame(
                Files.readAllBytes(played), Bytes.concat(Sox.dataOf(a), Sox.dataOf(b), Sox.dataOf(c)), "gaps skipped");

        Files.delete(played);
        run = play("--sensor", "porch", "--session", "2026-11-20T10:00:02Z");
        assertThat(run.exit()).as(run.err()).isZero();
        Bytes.assertSame(Files.readAllBytes(played), Sox.dataOf(b), "one session");
    }

    @Test
    void floatTheDeviceDoesNotTakeIsConvertedWithinAStatedTolerance() throws Exception {
        Path hum = Sox.synth(dir.resolve("hum.wav"), 44_100, 32, "floating-point", 2, 1.0);
        importWav(hum, "hum", "2026-11-20T10:00:00Z");
        CliRun run = play("--sensor", "hum", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:01Z");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("converting 44100 Hz, 32-bit float, 2 ch to 44100 Hz, 32-bit signed, 2 ch");
        float[] reference = floats(Sox.dataOf(hum));
        int[] got = ints(Files.readAllBytes(played));
        assertThat(got).hasSize(reference.length);
        // tolerance: 2^-20 of full scale (about -120 dB), far below what 24-bit audio resolves
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs(got[i] / 2147483648.0 - reference[i]))
                    .as("sample " + i)
                    .isLessThan(1.0 / (1 << 20));
        }
    }

    @Test
    void gainAndSpeedConvert() throws Exception {
        Path voice = Sox.synth(dir.resolve("v.wav"), 16_000, 16, "signed-integer", 1, 2.0);
        importWav(voice, "v", "2026-11-20T10:00:00Z");
        CliRun run = play(
                "--sensor", "v", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:02Z", "--gain", "-6.0206");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("converting 16000 Hz, 16-bit signed, 1 ch to 16000 Hz, 16-bit signed, 1 ch");
        short[] source = Bytes.shortsLe(Sox.dataOf(voice));
        short[] got = Bytes.shortsLe(Files.readAllBytes(played));
        assertThat(got).as(run.err()).hasSize(source.length);
        // -6.02 dB halves every sample: within one step of the 16-bit grid
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs(got[i] - source[i] / 2.0)).as("sample " + i).isLessThanOrEqualTo(1.0);
        }
        Files.delete(played);
        run = play("--sensor", "v", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:02Z", "--speed", "2");
        assertThat(run.exit()).as(run.err()).isZero();
        int frames = Files.readAllBytes(played).length / 2;
        assertThat(frames).as("twice as fast: half the frames").isBetween(16_000 - 200, 16_000 + 200);
    }

    @Test
    void severalSensorsPlayOnTheirOwnChannelsOrMixedOnOneGrid() throws Exception {
        Path a = Sox.synth(dir.resolve("a.wav"), 16_000, 16, "signed-integer", 1, 2.0);
        Path b = Sox.synth(dir.resolve("b.wav"), 16_000, 16, "signed-integer", 1, 1.0);
        importWav(a, "left", "2026-11-20T10:00:00Z");
        importWav(b, "right", "2026-11-20T10:00:00.5Z"); // 8000 frames into the window, ends 0.5 s before it does
        CliRun run = play(
                "--sensor",
                "left,right",
                "--layout",
                "channels",
                "--from",
                "2026-11-20T10:00:00Z",
                "--to",
                "2026-11-20T10:00:02Z");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err())
                .contains("channels of left, right", "16000 Hz, 16-bit signed, 2 ch", "right: ", "2 gap(s) as silence");
        short[] left = Bytes.shortsLe(Sox.dataOf(a));
        short[] right = Bytes.shortsLe(Sox.dataOf(b));
        short[] got = Bytes.shortsLe(Files.readAllBytes(played));
        assertThat(got).as("stereo frames for 2 s").hasSize(2 * 32_000);
        for (int f = 0; f < 32_000; f++) {
            short r = f >= 8_000 && f < 24_000 ? right[f - 8_000] : 0;
            if (got[2 * f] != left[f] || got[2 * f + 1] != r) {
                throw new AssertionError("frame " + f + ": got " + got[2 * f] + "/" + got[2 * f + 1] + ", expected "
                        + left[f] + "/" + r);
            }
        }

        Files.delete(played);
        run = play("--sensor", "left,right", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:02Z");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("mix of left, right", "16000 Hz, 16-bit signed, 1 ch");
        got = Bytes.shortsLe(Files.readAllBytes(played));
        assertThat(got).as("mono frames for 2 s").hasSize(32_000);
        // each sensor at half its level, summed: within one step of the 16-bit grid
        for (int f = 0; f < 32_000; f++) {
            double expected = (left[f] + (f >= 8_000 && f < 24_000 ? right[f - 8_000] : 0)) / 2.0;
            assertThat(Math.abs(got[f] - expected)).as("frame " + f).isLessThanOrEqualTo(1.0);
        }

        Files.delete(played);
        Path c = Sox.synth(dir.resolve("c.wav"), 44_100, 16, "signed-integer", 2, 1.0);
        importWav(c, "wide", "2026-11-20T10:00:03Z"); // after left ends: the grid is 44.1 kHz stereo
        run = play(
                "--sensor",
                "left,wide",
                "--from",
                "2026-11-20T10:00:00Z",
                "--to",
                "2026-11-20T10:00:04Z",
                "--skip-gaps");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("44100 Hz, 16-bit signed, 2 ch", "skipped", "played 3.000 s");
        assertThat(Files.size(played))
                .as("left's 2 s and wide's 1 s, the second between them left out")
                .isEqualTo(3L * 44_100 * 4);
    }

    @Test
    void aDeviceThatTakesNoFormatJavaSoundCanWriteIsAClearError() throws Exception {
        // a real ALSA device whose playback side takes float samples only, which javax.sound cannot write
        Files.writeString(
                home.resolve(".asoundrc"),
                """
                pcm.out {
                  type file
                  slave.pcm "null"
                  file "%s"
                  format "raw"
                }
                pcm.!default {
                  type asym
                  playback.pcm { type lfloat; slave { pcm "out"; format S16_LE } }
                  capture.pcm "out"
                }
                """
                        .formatted(played));
        Path voice = Sox.synth(dir.resolve("v.wav"), 16_000, 16, "signed-integer", 1, 1.0);
        importWav(voice, "v", "2026-11-20T10:00:00Z");
        CliRun run = play(
                "--sensor",
                "v",
                "--from",
                "2026-11-20T10:00:00Z",
                "--to",
                "2026-11-20T10:00:01Z",
                "--device",
                "default");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("wavestash: error: device '")
                .contains("[default]' offers no playback line in any sample format javax.sound handles");
        run = play("--sensor", "v", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:01Z");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("no audio playback device").doesNotContain("Exception");
        assertThat(played).doesNotExist();
    }

    @Test
    void badRequestsAreOneLineAndNonZero() throws Exception {
        Path voice = Sox.synth(dir.resolve("v.wav"), 16_000, 16, "signed-integer", 1, 1.0);
        importWav(voice, "v", "2026-11-20T10:00:00Z");
        String[][] cases = {
            {"--sensor", "v", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:01Z", "--device", "nosuch"},
            {"--sensor", "v", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:00Z"},
            {"--sensor", "v", "--from", "2026-11-20T11:00:00Z", "--to", "2026-11-20T11:00:01Z"},
            {"--sensor", "w", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:01Z"},
            {"--sensor", "v", "--session", "2026-11-20T10:00:00.5Z"},
            {"--sensor", "v", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:01Z", "--speed", "0"},
            {"--sensor", "v,w", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:01Z"},
            {"--sensor", "v,v2", "--session", "2026-11-20T10:00:00Z"},
            {"--sensor", "v", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:00:01Z", "--layout", "x"},
        };
        String[] expect = {
            "no playback device matches 'nosuch'",
            "empty window",
            "no samples",
            "unknown sensor 'w'",
            "has no session starting at 2026-11-20T10:00:00.500Z",
            "--speed: speed must be from 0.0625 to 16",
            "--sensor: no sensor 'w' in the store",
            "--session: names one sensor's session",
            "--layout: expected mix or channels, found 'x'",
        };
        for (int i = 0; i < cases.length; i++) {
            CliRun run = play(cases[i]);
            assertThat(run.exit()).as(String.join(" ", cases[i])).isEqualTo(1);
            assertThat(run.err().lines().toList())
                    .as(String.join(" ", cases[i]))
                    .singleElement()
                    .asString()
                    .startsWith("wavestash: error: ")
                    .contains(expect[i]);
        }
    }

    private static float[] floats(byte[] le) {
        ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[le.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat();
        }
        return out;
    }

    private static int[] ints(byte[] le) {
        ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[le.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }
}
