package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.S3Server;
import io.wavestash.storage.testing.Sox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingest daemons with different {@code device} names write one bucket of a real S3 server: edge-a records
 * locally and mirrors, edge-b writes straight to the bucket. A third process reads both devices from the bucket
 * through their availability indexes; its windows equal edge-a's local query and the recording edge-b was given,
 * byte for byte. An S3-only daemon whose bucket is wrong stops at start-up naming it.
 */
class DevicesShareABucketTest {
    static final String START = "2026-11-20T10:00:00Z";
    static final String TEMPLATE = "{device}/{sensor}/{session:yyyy}/{session}/{block:014d}.pcm";

    @TempDir
    Path dir;

    @Test
    void aThirdProcessQueriesBothDevicesStraightFromTheBucket() throws Exception {
        Path hall = Sox.synth(dir.resolve("hall.wav"), 16_000, 16, "signed-integer", 1, 6.0);
        Path yard = Sox.synth(dir.resolve("yard.wav"), 48_000, 24, "signed-integer", 2, 5.0);
        try (S3Server s3 = S3Server.start("fleet")) {
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            Path a = Files.writeString(
                    dir.resolve("a/wavestash.yaml"),
                    "store: {path: store}\n"
                            + "mirror:\n  device: edge-a\n  intervalMillis: 200\n  template: \"" + TEMPLATE + "\"\n"
                            + s3.yaml("fleet", "site/", "  ")
                            + "sensors:\n  - {id: mic, source: wav, file: " + hall + ", realTime: false, chunkMs: 50,"
                            + " start: " + START + "}\n");
            Path b = Files.writeString(
                    dir.resolve("b/wavestash.yaml"),
                    "store:\n  path: journal-only\n  device: edge-b\n  template: \"" + TEMPLATE + "\"\n"
                            + s3.yaml("fleet", "site/", "  ")
                            + "sensors:\n  - {id: mic, source: wav, file: " + yard + ", realTime: false, chunkMs: 40,"
                            + " start: " + START + "}\n");
            Process daemonA = CliRun.startDaemon(dir.resolve("a"), a, ProcessBuilder.Redirect.DISCARD);
            Process daemonB = CliRun.startDaemon(dir.resolve("b"), b, ProcessBuilder.Redirect.DISCARD);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                // 6 s in 50 ms chunks and 5 s in 40 ms chunks, each with its session.json
                while ((s3.count("fleet", "site/edge-a/mic/") < 121 || s3.count("fleet", "site/edge-b/mic/") < 126)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            } finally {
                daemonA.destroy(); // SIGTERM: each drains and exits
                daemonB.destroy();
                assertThat(daemonA.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(daemonB.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(daemonA.exitValue())
                    .as(Files.readString(dir.resolve("a/err.txt")))
                    .isZero();
            assertThat(daemonB.exitValue())
                    .as(Files.readString(dir.resolve("b/err.txt")))
                    .isZero();
            assertThat(s3.count("fleet", "site/edge-a/mic/")).isEqualTo(121);
            assertThat(s3.count("fleet", "site/edge-b/mic/")).isEqualTo(126);

            Path reader = Files.writeString(
                    dir.resolve("reader.yaml"),
                    "store:\n  template: \"" + TEMPLATE + "\"\n" + s3.yaml("fleet", "site/", "  "));
            CliRun ls = CliRun.process(dir, CliRun.jvmFlags(), "ls", "--config", reader.toString());
            assertThat(ls.exit()).as(ls.err()).isZero();
            assertThat(ls.out()).contains("edge-a/mic").contains("edge-b/mic");

            byte[] fromBucketA = query(dir, "edge-a/mic", "from-bucket-a.wav", "--config", reader.toString());
            byte[] fromBucketB = query(dir, "edge-b/mic", "from-bucket-b.wav", "--config", reader.toString());
            byte[] localA = query(dir.resolve("a"), "mic", "local-a.wav", "--store", "store");
            assertThat(fromBucketA).isEqualTo(localA);
            assertThat(Sox.dataOf(dir.resolve("from-bucket-a.wav"))).isEqualTo(Sox.dataOf(hall));
            assertThat(Sox.dataOf(dir.resolve("from-bucket-b.wav"))).isEqualTo(Sox.dataOf(yard));
            assertThat(fromBucketB.length).isGreaterThan(5 * 48_000 * 6);

            CliRun unknown = CliRun.inProcess(
                    "query",
                    "--config",
                    reader.toString(),
                    "--sensor",
                    "mic",
                    "--from",
                    START,
                    "--to",
                    "2026-11-20T10:00:10Z",
                    "--out",
                    dir.resolve("x.wav").toString());
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("unknown sensor 'mic'; known sensors: edge-a/mic, edge-b/mic");
        }
    }

    /** A 10-second window of a sensor, queried by a process of its own in {@code cwd} from the store named. */
    private byte[] query(Path cwd, String sensor, String out, String... store) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("query"));
        args.addAll(List.of(store));
        args.addAll(List.of(
                "--sensor",
                sensor,
                "--from",
                START,
                "--to",
                "2026-11-20T10:00:10Z",
                "--out",
                dir.resolve(out).toString()));
        CliRun r = CliRun.process(cwd, CliRun.jvmFlags(), args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return Files.readAllBytes(dir.resolve(out));
    }

    @Test
    void anS3OnlyDaemonWithABadBucketStopsAtStartUpNamingIt() throws Exception {
        try (S3Server s3 = S3Server.start("fleet")) {
            String sensors = "sensors:\n  - {id: mic, source: tone, sampleRateHz: 8000, seconds: 1}\n";
            String good = s3.yaml("fleet", "", "  ");
            for (String[] bad : List.of(
                    new String[] {
                        good.replace("bucket: fleet", "bucket: no-such-bucket"),
                        "bucket 'no-such-bucket' does not exist"
                    },
                    new String[] {good.replace(S3Server.SECRET_KEY, "wrong-secret"), "access denied"},
                    new String[] {
                        good.replace(s3.endpoint().toString(), "http://127.0.0.1:" + CliRun.freePort()),
                        "endpoint unreachable"
                    })) {
                Path config = Files.writeString(
                        dir.resolve("bad.yaml"),
                        "store:\n  path: journal\n  device: edge-c\n  template: \"" + TEMPLATE + "\"\n" + bad[0]
                                + sensors);
                CliRun r = CliRun.process(dir, CliRun.jvmFlags(), "ingest", "--config", config.toString());
                assertThat(r.exit()).as(r.err()).isEqualTo(1);
                assertThat(r.err()).contains(bad[1]).contains("s3://").doesNotContain("wrong-secret");
            }
        }
    }
}
