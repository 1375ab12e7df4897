package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Microphones through a real javax.sound {@code TargetDataLine}: with no sound card, a test-only asoundrc in a
 * temporary HOME defines ALSA's {@code default} device as the {@code file} plugin over the {@code null} device,
 * reading its capture from a raw PCM file that sox made.
 */
class MicCaptureTest {
    @TempDir
    Path dir;

    Path home;
    Path input;

    @BeforeEach
    void alsaDefaultDeviceReadsAFile() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        input = dir.resolve("mic-input.raw");
        Files.writeString(
                home.resolve(".asoundrc"),
                """
                pcm.!default {
                  type file
                  slave.pcm "null"
                  file "/dev/null"
                  infile "%s"
                  format "raw"
                }
                """
                        .formatted(input));
        Files.write(input, new byte[4096]); // ALSA lists no device while the infile is missing
    }

    @ParameterizedTest(name = "{0} Hz {1}-bit {2} {3} ch, {4} ms chunks")
    @CsvSource({
        "16000, 16, signed-integer,   1, 100, 2.5",
        "48000, 24, signed-integer,   2,  37, 1.5",
        "8000,  8,  unsigned-integer, 1, 250, 2.0",
        "44100, 32, signed-integer,   4,  20, 1.0"
    })
    void capturedSamplesEqualTheDevicesInput(int rate, int bits, String encoding, int channels, int chunkMs, double s)
            throws Exception {
        Path expected = Sox.synth(dir.resolve("expected.wav"), rate, bits, encoding, channels, s);
        // the device delivers its file as it reads it: 8-bit as signed bytes, which javax.sound turns unsigned
        Sox.run(expected.toString(), "-t", "raw", "-e", "signed-integer", input.toString());
        Path config = Files.writeString(
                dir.resolve("mic.yaml"),
                """
                store: {path: store}
                sensors:
                  - {id: mic, source: mic, device: default, sampleRateHz: %d, bits: %d, channels: %d,
                     encoding: %s, chunkMs: %d, seconds: %s, backpressure: block}
                """
                        .formatted(rate, bits, channels, encoding.replace("-integer", ""), chunkMs, s));
        Instant before = Instant.now();
        Process daemon = CliRun.startDaemon(
                dir,
                Map.of("HOME", home.toString()),
                config,
                ProcessBuilder.Redirect.to(dir.resolve("out.txt").toFile()));
        assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(daemon.exitValue())
                .as(Files.readString(dir.resolve("out.txt")) + Files.readString(dir.resolve("err.txt")))
                .isZero();

        Path window = dir.resolve("window.wav");
        CliRun query = CliRun.inProcess(
                "query",
                "--store",
                dir.resolve("store").toString(),
                "--sensor",
                "mic",
                "--from",
                before.minusSeconds(60).toString(),
                "--to",
                Instant.now().plusSeconds(60).toString(),
                "--out",
                window.toString());
        assertThat(query.exit()).as(query.err()).isZero();
        assertThat(Sox.infoOf(window).format().sampleRateHz()).isEqualTo(rate);
        assertThat(Sox.infoOf(window).format().channels()).isEqualTo(channels);
        Bytes.assertSame(Sox.dataOf(window), Sox.dataOf(expected), "captured samples");
    }

    @ParameterizedTest(name = "devices lists the capture device")
    @CsvSource("--json")
    void devicesListsTheDefaultDeviceAndItsFormats(String json) throws Exception {
        CliRun text = CliRun.process(dir, Map.of("HOME", home.toString()), List.of(), "devices");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("[default]", "capture:", "16-bit signed little-endian", "playback:");
        CliRun asJson = CliRun.process(dir, Map.of("HOME", home.toString()), List.of(), "devices", json);
        assertThat(asJson.out()).contains("\"captureFormats\"", "\"playbackFormats\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "device: usb-audio-7 | mic.yaml:3: sensors[0].device: no capture device matches 'usb-audio-7'"
                        + "; capture devices: 'null [default]'",
                "bits: 32, encoding: float | mic.yaml:3: sensors[0].device: device 'null [default]' cannot capture"
                        + " 32-bit float little-endian, 48000 Hz, 1 ch; it supports: 8-bit signed, any rate, any"
                        + " channels; 8-bit unsigned"
            })
    void aDeviceThatCannotDoItIsOneClearError(String field, String expected) throws Exception {
        Path config = Files.writeString(
                dir.resolve("mic.yaml"), "store: {path: store}\nsensors:\n  - {id: mic, source: mic, " + field + "}\n");
        CliRun run = CliRun.process(
                dir, Map.of("HOME", home.toString()), CliRun.jvmFlags(), "ingest", "--config", config.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().contains(expected);
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
