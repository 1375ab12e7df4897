package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as a user runs it: a real process, the real clock, SIGTERM. */
class IngestCommandTest {
    @TempDir
    Path dir;

    @Test
    void threeRealTimeSensorsStoreEverySampleAndSigtermLosesNothing() throws Exception {
        Path voice = Sox.synth(dir.resolve("voice.wav"), 16_000, 16, "signed-integer", 1, 3.0);
        Path chirp = Sox.synth(dir.resolve("chirp.wav"), 48_000, 24, "signed-integer", 2, 2.0);
        Path hum = Sox.synth(dir.resolve("hum.wav"), 44_100, 32, "floating-point", 1, 2.5);
        Path config = Files.writeString(
                dir.resolve("daemon.yaml"),
                """
                store:
                  path: store
                sensors:
                  - {id: voice, source: wav, file: voice.wav, chunkMs: 100, start: '2026-11-20T10:00:00Z'}
                  - {id: chirp, source: wav, file: chirp.wav, chunkMs: 50, start: '2026-11-20T10:00:00Z'}
                  - {id: hum, source: wav, file: hum.wav, chunkMs: 200, start: '2026-11-20T10:00:00Z'}
                  - {id: tone, source: tone, sampleRateHz: 8000, chunkMs: 100}
                """);
        long started = System.nanoTime();
        Process daemon = CliRun.startDaemon(
                dir, config, ProcessBuilder.Redirect.to(dir.resolve("out.txt").toFile()));
        // the file sensors end 3 s of real time after the daemon has started; the tone goes on until SIGTERM
        Path out0 = dir.resolve("out.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(out0) && Files.readString(out0).contains("recording 4 sensor(s)"))
                && daemon.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(4_000);
        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertThat(daemon.exitValue())
                .as(out + Files.readString(dir.resolve("err.txt")))
                .isZero();
        assertThat(System.nanoTime() - started).as("paced by the real clock").isGreaterThan(3_000_000_000L);
        assertThat(out).contains("voice: 30 chunks", "chirp: 40 chunks", "hum: 13 chunks", "0 dropout(s)");
        for (Path file : List.of(voice, chirp, hum)) {
            String sensor = file.getFileName().toString().replace(".wav", "");
            Path window = dir.resolve(sensor + "-out.wav");
            CliRun query = CliRun.inProcess(
                    "query",
                    "--store",
                    dir.resolve("store").toString(),
                    "--sensor",
                    sensor,
                    "--from",
                    "2026-11-20T10:00:00Z",
                    "--to",
                    "2026-11-20T10:00:10Z",
                    "--out",
                    window.toString());
            assertThat(query.exit()).as(query.err()).isZero();
            Bytes.assertSame(Sox.dataOf(window), Sox.dataOf(file), sensor);
        }
        // every chunk's level was measured at capture and is listed by ls
        CliRun ls = CliRun.inProcess("ls", "--store", dir.resolve("store").toString(), "--sensor", "tone", "--levels");
        assertThat(ls.exit()).as(ls.err()).isZero();
        List<String> chunkLines =
                ls.out().lines().filter(l -> l.trim().startsWith("chunk ")).toList();
        // as many as the daemon stored (how many depends on how soon it started, not on this test)
        java.util.regex.Matcher stored =
                java.util.regex.Pattern.compile("tone: (\\d+) chunks").matcher(out);
        assertThat(stored.find()).as(out).isTrue();
        assertThat(chunkLines)
                .hasSize(Integer.parseInt(stored.group(1)))
                .hasSizeGreaterThan(5)
                .allMatch(l -> l.endsWith(" -9.0 dBFS"));
        assertThat(ls.out())
                .contains("level -9.0 dBFS mean, -9.0 .. -9.0, 0 of " + chunkLines.size() + " chunks silent");
    }

    @Test
    void aBadConfigIsOneLineNamingTheField() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "sensors:\n  - {id: a, source: radio}\n");
        CliRun run = CliRun.inProcess("ingest", "--config", config.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().contains("bad.yaml:2", "sensors[0].source", "radio");
    }
}
