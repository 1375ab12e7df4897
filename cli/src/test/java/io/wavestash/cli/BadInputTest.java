package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.Sox;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input of every kind gets one line naming it, a non-zero exit, and leaves the store byte for byte as it
 * was; a recording whose data ends early imports what is there, with a warning.
 */
class BadInputTest {
    @TempDir
    Path dir;

    Path store;
    Path good;

    @BeforeEach
    void storeWithOneSession() throws Exception {
        store = dir.resolve("store");
        good = Sox.synth(dir.resolve("good.wav"), 16_000, 16, "signed-integer", 1, 1.0);
        assertThat(run("import", good.toString(), "--sensor", "mic", "--start", "2026-11-20T10:00:00Z")
                        .exit())
                .isZero();
    }

    CliRun run(String... args) {
        String[] withStore = Arrays.copyOf(args, args.length + 2);
        withStore[args.length] = "--store";
        withStore[args.length + 1] = store.toString();
        return CliRun.inProcess(withStore);
    }

    /** Runs the command and checks: non-zero exit, one line on stderr containing {@code named}, store untouched. */
    void refused(String named, String... args) throws IOException {
        Map<String, String> before = snapshot(store);
        CliRun result = run(args);
        assertThat(result.exit()).as(String.join(" ", args)).isNotZero();
        assertThat(result.errLines()).as(String.join(" ", args)).hasSize(1);
        assertThat(result.errLines().get(0))
                .as(String.join(" ", args))
                .contains(named)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(snapshot(store)).as("store after " + String.join(" ", args)).isEqualTo(before);
    }

    Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    byte[] goodBytes() throws IOException {
        return Files.readAllBytes(good);
    }

    @Test
    void brokenWavFilesAreRefused() throws Exception {
        byte[] wav = goodBytes();
        Path empty = file("empty.wav", new byte[0]);
        refused("empty.wav", "import", empty.toString(), "--sensor", "mic2", "--start", "2026-11-20T11:00:00Z");

        byte[] headerOnly = Arrays.copyOf(wav, 44);
        Path headerOnlyFile = file("header-only.wav", headerOnly);
        refused(
                "header-only.wav",
                "import",
                headerOnlyFile.toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");

        ByteBuffer zeroData = ByteBuffer.wrap(Arrays.copyOf(wav, 44)).order(ByteOrder.LITTLE_ENDIAN);
        zeroData.putInt(4, 36).putInt(40, 0);
        refused(
                "zero-data.wav",
                "import",
                file("zero-data.wav", zeroData.array()).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");

        refused(
                "truncated-header.wav",
                "import",
                file("truncated-header.wav", Arrays.copyOf(wav, 30)).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");
        refused(
                "truncated-header2.wav",
                "import",
                file("truncated-header2.wav", Arrays.copyOf(wav, 9)).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");

        ByteBuffer lyingData = ByteBuffer.wrap(wav.clone()).order(ByteOrder.LITTLE_ENDIAN);
        lyingData.putInt(40, lyingData.getInt(40) * 4);
        refused(
                "lying-data.wav",
                "import",
                file("lying-data.wav", lyingData.array()).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");

        ByteBuffer lyingRiff = ByteBuffer.wrap(wav.clone()).order(ByteOrder.LITTLE_ENDIAN);
        lyingRiff.putInt(4, 100);
        refused(
                "lying-riff.wav",
                "import",
                file("lying-riff.wav", lyingRiff.array()).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");

        ByteBuffer lyingAlign = ByteBuffer.wrap(wav.clone()).order(ByteOrder.LITTLE_ENDIAN);
        lyingAlign.putShort(32, (short) 3);
        refused(
                "lying-align.wav",
                "import",
                file("lying-align.wav", lyingAlign.array()).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");

        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        refused(
                "random.wav",
                "import",
                file("random.wav", noise).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");
        byte[] riffNoise = noise.clone();
        System.arraycopy("RIFF\0\0\0\0WAVE".getBytes(), 0, riffNoise, 0, 12);
        refused(
                "riff-noise.wav",
                "import",
                file("riff-noise.wav", riffNoise).toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");

        refused(
                "missing.wav",
                "import",
                dir.resolve("missing.wav").toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z");
        refused(
                "good.wav",
                "import",
                good.toString(),
                "--sensor",
                "mic",
                "--start",
                "2026-11-20T10:00:00Z"); // session exists
    }

    @Test
    void encodingsThatAreNotPcmAreNamed() throws Exception {
        for (String encoding : new String[] {"a-law", "u-law", "ima-adpcm", "gsm-full-rate"}) {
            Path f = dir.resolve(encoding + ".wav");
            if (encoding.equals("gsm-full-rate")) {
                Sox.run("-R", good.toString(), "-r", "8000", "-c", "1", "-e", encoding, f.toString());
            } else {
                Sox.run("-R", good.toString(), "-e", encoding, f.toString());
            }
            refused(encoding + ".wav", "import", f.toString(), "--sensor", "mic2", "--start", "2026-11-20T11:00:00Z");
        }
    }

    @Test
    void hostileSensorIdsAndBadOptionsAreRefused() throws Exception {
        for (String id :
                new String[] {"../escape", "a/b", "..", ".", "", "x".repeat(65), "with space", "/abs", "a\\b"}) {
            refused("--sensor", "import", good.toString(), "--sensor", id, "--start", "2026-11-20T11:00:00Z");
            refused(
                    id.equals("a/b") ? "unknown sensor 'a/b'" : "--sensor", // DEVICE/SENSOR is a name to read
                    "query",
                    "--sensor",
                    id,
                    "--from",
                    "2026-11-20T10:00:00Z",
                    "--to",
                    "2026-11-20T10:00:01Z",
                    "--out",
                    dir.resolve("o.wav").toString());
        }
        refused("--start", "import", good.toString(), "--sensor", "mic2", "--start", "yesterday");
        refused(
                "--chunk-frames",
                "import",
                good.toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z",
                "--chunk-frames",
                "0");
        refused(
                "--from",
                "query",
                "--sensor",
                "mic",
                "--from",
                "soon",
                "--to",
                "2026-11-20T10:00:01Z",
                "--out",
                dir.resolve("o.wav").toString());
        refused(
                "not before",
                "query",
                "--sensor",
                "mic",
                "--from",
                "2026-11-20T10:00:01Z",
                "--to",
                "2026-11-20T10:00:01Z",
                "--out",
                dir.resolve("o.wav").toString());
        refused(
                "not before",
                "query",
                "--sensor",
                "mic",
                "--from",
                "2026-11-20T10:00:02Z",
                "--to",
                "2026-11-20T10:00:01Z",
                "--out",
                dir.resolve("o.wav").toString());
        refused(
                "nope",
                "query",
                "--sensor",
                "nope",
                "--from",
                "2026-11-20T10:00:00Z",
                "--to",
                "2026-11-20T10:00:01Z",
                "--out",
                dir.resolve("o.wav").toString());
        refused(
                "no samples",
                "query",
                "--sensor",
                "mic",
                "--from",
                "2026-11-21T10:00:00Z",
                "--to",
                "2026-11-21T10:00:01Z",
                "--out",
                dir.resolve("o.wav").toString());
        refused(
                "--fill",
                "query",
                "--sensor",
                "mic",
                "--from",
                "2026-11-20T10:00:00Z",
                "--to",
                "2026-11-20T10:00:01Z",
                "--fill",
                "zeros",
                "--out",
                dir.resolve("o.wav").toString());
        assertThat(dir.resolve("o.wav")).doesNotExist();
    }

    @Test
    void badConfigFieldsAreNamed() throws Exception {
        Path unknownField = Files.writeString(
                dir.resolve("unknown-field.yaml"),
                "store:\n  path: " + store + "\n  template: \"{sensor}/{sesion}/{block}\"\n");
        refused("{sesion}", "ls", "--config", unknownField.toString());
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "store:\n  path: " + store + "\n  lyout: segments\n");
        refused(
                "typo.yaml:3: store.lyout: unknown field",
                "import",
                good.toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z",
                "--config",
                typo.toString());
        Path wrongType = Files.writeString(
                dir.resolve("wrong-type.yaml"), "store:\n  path: " + store + "\n  segmentSeconds: ten\n");
        refused("store.segmentSeconds: expected a whole number", "ls", "--config", wrongType.toString());
        Path otherLayout = Files.writeString(
                dir.resolve("other-layout.yaml"), "store:\n  path: " + store + "\n  layout: chunks\n");
        refused(
                "layout is 'segments', not 'chunks'",
                "import",
                good.toString(),
                "--sensor",
                "mic2",
                "--start",
                "2026-11-20T11:00:00Z",
                "--config",
                otherLayout.toString());
        refused(
                "missing.yaml: config file not found",
                "ls",
                "--config",
                dir.resolve("missing.yaml").toString());
    }

    @Test
    void aRecordingThatLostPowerImportsWhatIsThere() throws Exception {
        byte[] wav = goodBytes();
        int cut = wav.length - 1001; // mid-frame
        Path truncated = file("lost-power.wav", Arrays.copyOf(wav, cut));
        CliRun result = run("import", truncated.toString(), "--sensor", "mic2", "--start", "2026-11-20T11:00:00Z");
        assertThat(result.exit()).isZero();
        int declared = wav.length - 44;
        int held = cut - 44;
        assertThat(result.errLines())
                .singleElement()
                .asString()
                .contains("warning", "lost-power.wav", "" + declared, "" + held);
        CliRun ls = run("ls", "--sensor", "mic2", "--json");
        assertThat(ls.out()).contains("\"frames\" : " + held / 2);
    }

    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
