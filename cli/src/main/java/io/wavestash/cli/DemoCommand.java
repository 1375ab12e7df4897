package io.wavestash.cli;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.wav.WavImport;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Imports the bundled recordings as three sensors, lists them and queries a window across a gap. */
@Command(
        name = "demo",
        description = "Import bundled demo recordings as sensors, list them and query a window.",
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private record Recording(String resource, String sensor, Instant start) {}

    private static final List<Recording> RECORDINGS = List.of(
            new Recording("voice-16k.wav", "porch", T0),
            new Recording("voice-16k.wav", "porch", T0.plusMillis(5_500)),
            new Recording("chirp-48k-stereo.wav", "attic", T0.plusMillis(1_000)),
            new Recording("hum-44k1-float.wav", "basement", T0.plusMillis(250)));

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--out",
            paramLabel = "FILE.wav",
            defaultValue = "wavestash-demo.wav",
            description = "Where to write the queried window (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        Path staging = Files.createTempDirectory("wavestash-demo");
        try (ChunkStore store = storeOptions.open(Stores.Access.WRITE)) {
            for (Recording r : RECORDINGS) {
                SensorId sensor = SensorId.of(r.sensor());
                long start = Times.toEpochMicrosExact(r.start());
                if (store.sessions(sensor).containsKey(start)) {
                    console.printf("%s: session %s already stored%n", sensor, r.start());
                    continue;
                }
                Path file = staging.resolve(r.resource());
                try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + r.resource())) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                WavImport wav = WavImport.open(file);
                wav.into(store, sensor, start, wav.info().format().sampleRateHz() / 10);
                console.printf(
                        "%s: imported %s as session %s (%s)%n",
                        sensor, r.resource(), r.start(), wav.info().format().describe());
            }
        } finally {
            try (var files = Files.list(staging)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(staging);
        }
        console.println();
        String store = storeOptions.resolve().path().toString();
        console.println("$ wavestash ls --store " + store);
        console.flush();
        int status = Main.commandLine().execute("ls", "--store", store);
        if (status != 0) {
            return status;
        }
        String from = T0.plusMillis(3_000).toString();
        String to = T0.plusMillis(7_000).toString();
        console.println();
        console.println("$ wavestash query --store " + store + " --sensor porch --from " + from + " --to " + to
                + " --fill silence --out " + out);
        console.flush();
        status = Main.commandLine()
                .execute(
                        "query",
                        "--store",
                        store,
                        "--sensor",
                        "porch",
                        "--from",
                        from,
                        "--to",
                        to,
                        "--fill",
                        "silence",
                        "--out",
                        out.toString());
        console.println();
        console.println("Try: ./wavestash query --sensor attic,basement --from " + T0 + " --to " + T0.plusSeconds(3)
                + " --out window.wav");
        console.flush();
        return status;
    }
}
