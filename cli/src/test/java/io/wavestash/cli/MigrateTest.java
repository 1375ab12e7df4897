package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.S3Server;
import io.wavestash.storage.testing.Sox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wavestash migrate} between the talk's two templates, between layouts and codecs, and between a local
 * directory and S3 (a real S3 server on loopback): every hop keeps every sample, the way back gives the very
 * same files, the source is never touched, and a migrate killed half way finishes when run again.
 */
class MigrateTest {
    static final String T0 = "2026-11-20T10:00:00Z";
    static final String T1 = "2026-11-20T10:00:05.5Z";
    static S3Server s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Server.start("archive");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    private Path config(String name, String body) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, body);
        return file;
    }

    private Path local(String name, String layout, String codec, String template) throws IOException {
        return config(
                name,
                "store:\n  path: " + dir.resolve(name) + "\n  layout: " + layout + "\n  codec: " + codec
                        + "\n  template: \"" + template + "\"\n");
    }

    private Path onS3(String name, String template, String device) throws IOException {
        return config(
                name,
                "store:\n  path: " + dir.resolve(name) + "\n  codec: wav\n  template: \"" + template + "\"\n"
                        + (device == null ? "" : "  device: " + device + "\n") + s3.yaml("archive", name + "/", "  "));
    }

    /** Two sensors of different formats, each with two sessions and a gap between them. */
    private Path source() throws Exception {
        Path config = local("talk", "chunks", "raw", "{session}/{sensor}/{block}");
        Path mono = Sox.synth(dir.resolve("mono.wav"), 16_000, 16, "signed-integer", 1, 5.0);
        Path stereo = Sox.synth(dir.resolve("stereo.wav"), 48_000, 24, "signed-integer", 2, 4.0);
        for (String[] take : List.of(new String[] {"hall", T0}, new String[] {"hall", T1}, new String[] {"yard", T1})) {
            Path wav = take[0].equals("hall") ? mono : stereo;
            CliRun r = CliRun.inProcess(
                    "import",
                    wav.toString(),
                    "--sensor",
                    take[0],
                    "--start",
                    take[1],
                    "--chunk-frames",
                    "800",
                    "--config",
                    config.toString());
            assertThat(r.exit()).as(r.err()).isZero();
        }
        return config;
    }

    /** The WAV of a window of a sensor, byte for byte. */
    private byte[] query(Path config, String sensor) throws IOException {
        Path out = dir.resolve("q-" + config.getFileName() + "-" + sensor.replace('/', '_') + ".wav");
        CliRun r = CliRun.inProcess(
                "query",
                "--config",
                config.toString(),
                "--sensor",
                sensor,
                "--from",
                T0,
                "--to",
                "2026-11-20T10:00:12Z",
                "--out",
                out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return Files.readAllBytes(out);
    }

    private static Map<String, String> digests(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    private static Map<String, String> dataFiles(Map<String, String> all) {
        Map<String, String> out = new TreeMap<>(all);
        out.keySet().removeIf(k -> k.startsWith("@wavestash"));
        return out;
    }

    private CliRun migrate(Path from, Path to) {
        CliRun r = CliRun.inProcess("migrate", "--from", from.toString(), "--to", to.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    @Test
    void everyHopKeepsEverySampleAndTheWayBackGivesTheSameFiles() throws Exception {
        Path talk = source();
        Map<String, String> before = digests(dir.resolve("talk"));
        byte[] hall = query(talk, "hall");
        byte[] yard = query(talk, "yard");

        Path sensorFirst = local("sensor-first", "chunks", "wav", "{session}/data/{sensor}/data/{block}");
        CliRun first = migrate(talk, sensorFirst);
        assertThat(first.out()).contains("migrated 440 chunk(s)").contains("every chunk verified");
        assertThat(first.err()).contains("100%");
        Path segments = local("segments", "segments", "raw", "{sensor}/{session}/{block:014d}.seg");
        migrate(sensorFirst, segments);
        Path bucket = onS3("bucket", "{device}/{sensor}/{session:yyyy}/{session}/{block:014d}.wav", "edge-1");
        migrate(segments, bucket);
        assertThat(s3.count("archive", "bucket/edge-1/hall/2026/")).isGreaterThan(40);
        Path back = local("back", "chunks", "raw", "{session}/{sensor}/{block}");
        migrate(bucket, back);

        for (Path hop : List.of(sensorFirst, segments, bucket, back)) {
            assertThat(query(hop, "hall")).as("hall in %s", hop).isEqualTo(hall);
            assertThat(query(hop, "yard")).as("yard in %s", hop).isEqualTo(yard);
        }
        // read back from the bucket without naming the device: every device's sensors, named DEVICE/SENSOR
        Path everyDevice = onS3("bucket", "{device}/{sensor}/{session:yyyy}/{session}/{block:014d}.wav", null);
        assertThat(query(everyDevice, "edge-1/hall")).isEqualTo(hall);
        assertThat(dataFiles(digests(dir.resolve("back")))).isEqualTo(dataFiles(before));
        assertThat(digests(dir.resolve("talk"))).as("the source is only read").isEqualTo(before);

        CliRun again = migrate(talk, sensorFirst);
        assertThat(again.out()).contains("migrated 0 chunk(s)").contains("440 already there");
    }

    @Test
    void aMigrateKilledHalfWayResumes() throws Exception {
        Path big = local("big", "chunks", "raw", "{sensor}/{session}/{block:014d}.pcm");
        Path wav = Sox.synth(dir.resolve("long.wav"), 48_000, 16, "signed-integer", 2, 60.0);
        assertThat(CliRun.inProcess(
                                "import",
                                wav.toString(),
                                "--sensor",
                                "mic",
                                "--start",
                                T0,
                                "--chunk-frames",
                                "480",
                                "--config",
                                big.toString())
                        .exit())
                .isZero();
        Map<String, String> before = digests(dir.resolve("big"));
        Path target = onS3("resumed", "{sensor}/{session}/{block:014d}.wav", null);
        Process p = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "migrate",
                        "--from",
                        big.toString(),
                        "--to",
                        target.toString()))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.txt").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (s3.count("archive", "resumed/mic/") < 1_000 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive())
                .as("migrate still running after 1,000 of 6,000 chunks")
                .isTrue();
        p.destroyForcibly().waitFor();
        int copiedBeforeKill = s3.count("archive", "resumed/mic/");
        assertThat(copiedBeforeKill).isBetween(1_000, 5_999);

        CliRun resumed = migrate(big, target);
        String summary = resumed.out();
        long already = Long.parseLong(summary.replaceAll("(?s).*\\((\\d+) already there.*", "$1"));
        long copied = Long.parseLong(summary.replaceAll("(?s).*migrated (\\d+) chunk.*", "$1"));
        assertThat(already).isGreaterThanOrEqualTo(256); // the index had been flushed at least once before the kill
        assertThat(already + copied).isEqualTo(6_000);
        assertThat(query(target, "mic")).isEqualTo(query(big, "mic"));
        assertThat(digests(dir.resolve("big"))).isEqualTo(before);
    }

    @Test
    void badRequestsAreNamed() throws Exception {
        Path talk = source();
        CliRun same = CliRun.inProcess("migrate", "--from", talk.toString(), "--to", talk.toString());
        assertThat(same.exit()).isEqualTo(1);
        assertThat(same.err()).contains("--from and --to name the same store");
        Path nothing = local("nothing", "chunks", "raw", "{sensor}/{session}/{block}");
        CliRun empty = CliRun.inProcess("migrate", "--from", nothing.toString(), "--to", talk.toString());
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(empty.err()).contains("--from: no wavestash store at " + dir.resolve("nothing"));
        Path noBucket = config(
                "nobucket",
                "store:\n  template: \"{sensor}/{session}/{block}\"\n" + s3.yaml("no-such-bucket", "", "  "));
        CliRun missing = CliRun.inProcess("migrate", "--from", talk.toString(), "--to", noBucket.toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("bucket 'no-such-bucket' does not exist");
        Path otherTemplate = local("sensor-first", "chunks", "raw", "{sensor}/{session}/{block}");
        migrate(talk, otherTemplate);
        Path clash = local("sensor-first", "chunks", "raw", "{session}/{sensor}/{block}");
        CliRun differs = CliRun.inProcess("migrate", "--from", talk.toString(), "--to", clash.toString());
        assertThat(differs.exit()).isEqualTo(1);
        assertThat(differs.err()).contains("was created with other settings").contains("template is");
    }
}
