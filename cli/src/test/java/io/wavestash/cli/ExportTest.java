package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wavestash.storage.testing.Sox;
import io.wavestash.storage.wav.WavInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wavestash export}: three sensors at 16, 44.1 and 48 kHz, their sessions starting between grid points,
 * onto one 48 kHz grid. Each recording holds a click at the same instant, made as sox makes a real recording of
 * it: an impulse on a microsecond grid, band-limited and resampled by sox to the sensor's rate.
 */
class ExportTest {
    static final Instant CLICK = Instant.parse("2026-11-20T10:00:01.234567Z");
    static final Instant FROM = Instant.parse("2026-11-20T10:00:00.100003Z");
    static final Instant TO = Instant.parse("2026-11-20T10:00:03.100003Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path store;

    @BeforeEach
    void recordClicks() throws Exception {
        store = dir.resolve("store");
        // a: 16 kHz, one session from 10:00:00.000013
        importClick("a", 16_000, Instant.parse("2026-11-20T10:00:00.000013Z"), 2.0);
        // b: 44.1 kHz, a session around the click and a later one after a gap of 0.4 s
        importClick("b", 44_100, Instant.parse("2026-11-20T10:00:00.500029Z"), 1.2);
        importClick("b", 44_100, Instant.parse("2026-11-20T10:00:02.100029Z"), 0.8);
        // c: 48 kHz, starting after the window does (a leading gap)
        importClick("c", 48_000, Instant.parse("2026-11-20T10:00:00.700007Z"), 3.0);
    }

    /**
     * Imports a recording of {@code seconds} at {@code rate} starting at {@code start}, with a click at
     * {@link #CLICK} when it falls inside.
     */
    private void importClick(String sensor, int rate, Instant start, double seconds) throws Exception {
        int micros = (int) Math.round(seconds * 1_000_000);
        ByteBuffer impulse = ByteBuffer.allocate(micros * 2).order(ByteOrder.LITTLE_ENDIAN);
        long at = Duration.between(start, CLICK).toNanos() / 1_000;
        if (at >= 0 && at < micros) {
            impulse.putShort((int) at * 2, Short.MAX_VALUE);
        }
        // the impulse keeps about rate/1 MHz of its height through the resampler; bring it back to half scale
        String gain = at >= 0 && at < micros ? String.format("%.2f", 20 * Math.log10(500_000.0 / rate)) : "0";
        Path raw = Files.write(dir.resolve(sensor + "-" + start.toEpochMilli() + ".raw"), impulse.array());
        Path wav = dir.resolve(sensor + "-" + start.toEpochMilli() + ".wav");
        Sox.run(
                "-t",
                "raw",
                "-r",
                "1000000",
                "-e",
                "signed-integer",
                "-b",
                "16",
                "-c",
                "1",
                raw.toString(),
                "-b",
                "16",
                wav.toString(),
                "rate",
                "-v",
                Integer.toString(rate),
                "gain",
                gain);
        CliRun run = CliRun.inProcess(
                "import", "--store", store.toString(), "--sensor", sensor, "--start", start.toString(), wav.toString());
        assertThat(run.exit()).as(run.err()).isZero();
    }

    @Test
    void aClickAtOneInstantLandsOnTheSameGridSampleForEverySensor() throws Exception {
        Path out = dir.resolve("export.wav");
        CliRun run = exportClicks(out);
        assertThat(run.exit()).as(run.err()).isZero();
        WavInfo info = Sox.infoOf(out);
        assertThat(info.format().sampleRateHz()).isEqualTo(48_000);
        assertThat(info.format().channels()).isEqualTo(3);
        short[][] channels = channels(out, 3);
        assertThat(channels[0]).hasSize(144_000); // 3 s at 48 kHz

        long expected = Math.round(Duration.between(FROM, CLICK).toNanos() * 48_000 / 1e9);
        for (int c = 0; c < 3; c++) {
            int peak = peak(channels[c]);
            assertThat((long) peak)
                    .as("click of sensor %s (channel %d) at %d, expected %d", "abc".charAt(c), c, peak, expected)
                    .isBetween(expected - 1, expected + 1);
            assertThat(Math.abs(channels[c][peak])).as("a click, not noise").isGreaterThan(3_000);
        }
        System.out.printf(
                "export: clicks at grid samples %d %d %d, expected %d%n",
                peak(channels[0]), peak(channels[1]), peak(channels[2]), expected);

        JsonNode sidecar = JSON.readTree(Path.of(out + ".json").toFile());
        assertThat(sidecar.get("rateHz").asInt()).isEqualTo(48_000);
        assertThat(sidecar.get("frames").asLong()).isEqualTo(144_000);
        // a: recorded from before the window to 10:00:02.000013 (a gap to the window's end)
        assertThat(gaps(sidecar, 0)).containsExactly(List.of(grid("10:00:02.000013"), 144_000L));
        // b: before its first session, between its sessions, after its second
        assertThat(gaps(sidecar, 1))
                .containsExactly(
                        List.of(0L, grid("10:00:00.500029")),
                        List.of(grid("10:00:01.700029"), grid("10:00:02.100029")),
                        List.of(grid("10:00:02.900029"), 144_000L));
        // c: before its session only
        assertThat(gaps(sidecar, 2)).containsExactly(List.of(0L, grid("10:00:00.700007")));
        for (int s = 0; s < 3; s++) {
            for (JsonNode g : sidecar.get("sensors").get(s).get("gaps")) {
                for (long k = g.get("firstFrame").asLong();
                        k < g.get("endFrame").asLong();
                        k++) {
                    if (channels[s][(int) k] != 0) {
                        throw new AssertionError("sample " + k + " of sensor " + s + " is in a gap but not silent");
                    }
                }
            }
        }

        // one file per sensor holds the same samples
        Path files = dir.resolve("per-sensor.wav");
        run = exportClicks(files, "--layout", "files");
        assertThat(run.exit()).as(run.err()).isZero();
        for (int c = 0; c < 3; c++) {
            Path file = dir.resolve("per-sensor-" + "abc".charAt(c) + ".wav");
            assertThat(Sox.infoOf(file).format().channels()).isEqualTo(1);
            assertThat(channels(file, 1)[0]).isEqualTo(channels[c]);
        }
    }

    @Test
    void aSensorAtTheGridRateIsCopiedExactly() throws Exception {
        for (String command : List.of("export", "query")) {
            CliRun run = CliRun.inProcess(
                    command,
                    "--store",
                    store.toString(),
                    "--sensor",
                    "c",
                    "--from",
                    "2026-11-20T10:00:00.700007Z",
                    "--to",
                    "2026-11-20T10:00:01.700007Z",
                    "--out",
                    dir.resolve(command + ".wav").toString());
            assertThat(run.exit()).as(run.err()).isZero();
        }
        assertThat(Sox.dataOf(dir.resolve("export.wav"))).isEqualTo(Sox.dataOf(dir.resolve("query.wav")));
    }

    @Test
    void aNamedPipeIsWrittenInPlaceAndADirectoryIsRefused() throws Exception {
        String[] window = {"--sensor", "c", "--from", "2026-11-20T10:00:00.700007Z", "--to", "2026-11-20T10:00:01.7Z"};
        for (String command : List.of("export", "query")) {
            Path file = dir.resolve(command + "-file.wav");
            CliRun toFile = run(command, window, file);
            assertThat(toFile.exit()).as(toFile.err()).isZero();
            // a FIFO read by another program, as /dev/stdout or /dev/null are devices: written, never replaced
            Path fifo = dir.resolve(command + ".fifo");
            assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                    .isZero();
            CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.readAllBytes(fifo);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CliRun toFifo = run(command, window, fifo);
            assertThat(toFifo.exit()).as(toFifo.err()).isZero();
            assertThat(reader.get(1, TimeUnit.MINUTES)).isEqualTo(Files.readAllBytes(file));
            assertThat(Files.readAttributes(fifo, BasicFileAttributes.class).isOther())
                    .as("still a pipe")
                    .isTrue();

            Path directory = Files.createDirectories(dir.resolve(command + "-dir.wav"));
            CliRun toDirectory = run(command, window, directory);
            assertThat(toDirectory.exit()).isEqualTo(1);
            assertThat(toDirectory.err())
                    .contains(directory + " is a directory")
                    .doesNotContain("Exception");
            assertThat(Files.isDirectory(directory)).isTrue();
            try (var left = Files.list(dir)) {
                assertThat(left.map(Path::getFileName).map(Path::toString)).noneMatch(n -> n.endsWith(".part"));
            }
        }
    }

    private CliRun run(String command, String[] window, Path out) {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--store", store.toString()));
        args.addAll(List.of(window));
        args.addAll(List.of("--out", out.toString()));
        return CliRun.inProcess(args.toArray(String[]::new));
    }

    @Test
    void aLongWindowExportsInBoundedMemory() throws Exception {
        // ten minutes at 16 kHz resampled onto 48 kHz: 57.6 MB of output from a JVM with a 48 MB heap
        Path wav = Sox.synth(dir.resolve("long.wav"), 16_000, 16, "signed-integer", 1, 600);
        CliRun imported = CliRun.inProcess(
                "import",
                "--store",
                store.toString(),
                "--sensor",
                "long",
                "--start",
                "2026-11-20T11:00:00Z",
                wav.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        Path out = dir.resolve("long-48k.wav");
        CliRun run = CliRun.process(
                dir,
                List.of("-Xmx48m"),
                "export",
                "--store",
                store.toString(),
                "--sensor",
                "long,a",
                "--from",
                "2026-11-20T11:00:00Z",
                "--to",
                "2026-11-20T11:10:00Z",
                "--rate",
                "48000",
                "--out",
                out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("100%"); // the progress bar of a long export
        WavInfo info = Sox.infoOf(out);
        assertThat(info.format().channels()).isEqualTo(2);
        assertThat(info.dataBytes()).isEqualTo(600L * 48_000 * 2 * 2);
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        String[][] cases = {
            {"--sensor", "a,nope", "--from", FROM.toString(), "--to", TO.toString()},
            {"--sensor", "a", "--from", TO.toString(), "--to", FROM.toString()},
            {"--sensor", "a", "--from", "2026-11-21T00:00:00Z", "--to", "2026-11-21T00:00:01Z"},
            {"--sensor", "a", "--from", FROM.toString(), "--to", TO.toString(), "--layout", "stacked"},
            {"--sensor", "a", "--from", FROM.toString(), "--to", TO.toString(), "--rate", "0"},
            {"--sensor", "a", "--from", "yesterday", "--to", TO.toString()},
        };
        String[] expected = {"no sensor 'nope'", "empty window", "no samples", "--layout", "--rate", "--from"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new java.util.ArrayList<>(List.of("export", "--store", store.toString()));
            args.addAll(List.of(cases[i]));
            args.addAll(List.of("--out", dir.resolve("bad.wav").toString()));
            CliRun run = CliRun.inProcess(args.toArray(String[]::new));
            assertThat(run.exit()).as(String.join(" ", cases[i])).isEqualTo(1);
            assertThat(run.err())
                    .as(String.join(" ", cases[i]))
                    .contains(expected[i])
                    .doesNotContain("Exception");
            assertThat(dir.resolve("bad.wav")).doesNotExist();
        }
    }

    /** Exports sensors a, b and c over the test's window onto a 48 kHz grid. */
    private CliRun exportClicks(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "export",
                "--store",
                store.toString(),
                "--sensor",
                "a,b,c",
                "--from",
                FROM.toString(),
                "--to",
                TO.toString(),
                "--rate",
                "48000",
                "--out",
                out.toString()));
        args.addAll(List.of(more));
        return CliRun.inProcess(args.toArray(String[]::new));
    }

    /** The grid sample nearest a time of 2026-11-20. */
    private static long grid(String time) {
        Instant t = Instant.parse("2026-11-20T" + time + "Z");
        return Math.round(Duration.between(FROM, t).toNanos() * 48_000 / 1e9);
    }

    private static List<List<Long>> gaps(JsonNode sidecar, int sensor) {
        List<List<Long>> out = new java.util.ArrayList<>();
        for (JsonNode g : sidecar.get("sensors").get(sensor).get("gaps")) {
            out.add(List.of(g.get("firstFrame").asLong(), g.get("endFrame").asLong()));
        }
        return out;
    }

    private static int peak(short[] samples) {
        int best = 0;
        for (int i = 1; i < samples.length; i++) {
            if (Math.abs(samples[i]) > Math.abs(samples[best])) {
                best = i;
            }
        }
        return best;
    }

    private static short[][] channels(Path wav, int count) throws Exception {
        ByteBuffer data = ByteBuffer.wrap(Sox.dataOf(wav)).order(ByteOrder.LITTLE_ENDIAN);
        int frames = data.remaining() / (2 * count);
        short[][] out = new short[count][frames];
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < count; c++) {
                out[c][f] = data.getShort();
            }
        }
        return out;
    }
}
