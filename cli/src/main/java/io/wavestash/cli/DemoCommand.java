package io.wavestash.cli;

import io.wavestash.config.Backpressure;
import io.wavestash.config.ClockConfig;
import io.wavestash.config.IngestConfig;
import io.wavestash.config.RetentionConfig;
import io.wavestash.config.RingPriority;
import io.wavestash.config.SampleEncoding;
import io.wavestash.config.SensorConfig;
import io.wavestash.config.SourceKind;
import io.wavestash.config.StoreConfig;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.source.Pacer;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the ingest daemon on the bundled recordings as three real-time mock sensors (about five seconds, or until
 * Ctrl-C with {@code --loop}), then lists the store and queries a window of every sensor.
 */
@Command(
        name = "demo",
        description = "Record the bundled recordings as three real-time mock sensors, list them and query a window.",
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    private record Recording(String resource, String sensor) {}

    private static final List<Recording> RECORDINGS = List.of(
            new Recording("voice-16k.wav", "porch"),
            new Recording("chirp-48k-stereo.wav", "attic"),
            new Recording("hum-44k1-float.wav", "basement"));

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--out",
            paramLabel = "FILE.wav",
            defaultValue = "wavestash-demo.wav",
            description = "Where to write the queried window, one file per sensor (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--loop", description = "Loop the recordings until Ctrl-C instead of recording them once.")
    boolean loop;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        StoreConfig store = storeOptions.resolve();
        Path staging = Files.createTempDirectory("wavestash-demo");
        Instant started = Clock.systemUTC().instant().truncatedTo(ChronoUnit.MILLIS);
        int status;
        try {
            List<SensorConfig> sensors = new ArrayList<>();
            for (Recording r : RECORDINGS) {
                Path file = staging.resolve(r.resource());
                try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + r.resource())) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                sensors.add(new SensorConfig(
                        r.sensor(),
                        SourceKind.WAV,
                        file,
                        loop,
                        true,
                        null,
                        100,
                        null,
                        Backpressure.BLOCK,
                        0,
                        16,
                        SampleEncoding.SIGNED,
                        1,
                        0,
                        null,
                        0,
                        "demo sensor " + r.sensor()));
            }
            IngestConfig ingest = new IngestConfig(
                    sensors,
                    null,
                    IngestConfig.DEFAULT_JOURNAL_CYCLE,
                    IngestConfig.DEFAULT_RING_SIZE,
                    1,
                    RingPriority.NORMAL,
                    0,
                    "127.0.0.1",
                    IngestConfig.DEFAULT_SILENCE_DBFS,
                    RetentionConfig.none(),
                    ClockConfig.defaults());
            status = IngestCommand.run(new WavestashConfig(store, ingest), console, Clock.systemUTC(), Pacer.system());
        } finally {
            try (var files = Files.list(staging)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(staging);
        }
        if (status != 0) {
            return status;
        }
        String path = store.path().toString();
        console.println();
        console.println("$ wavestash ls --store " + path);
        console.flush();
        status = Main.commandLine().execute("ls", "--store", path);
        if (status != 0) {
            return status;
        }
        try (ChunkStore recorded = Stores.open(store, Stores.Access.READ)) {
            long first = recorded.sessions(SensorId.of("porch")).lastKey();
            started = Times.ofEpochMicros(first).truncatedTo(ChronoUnit.MILLIS);
        }
        String from = started.plusMillis(1_000).toString();
        String to = started.plusMillis(3_000).toString();
        console.println();
        console.println("$ wavestash query --store " + path + " --from " + from + " --to " + to
                + " --fill silence --out " + out);
        console.flush();
        status = Main.commandLine()
                .execute(
                        "query",
                        "--store",
                        path,
                        "--from",
                        from,
                        "--to",
                        to,
                        "--fill",
                        "silence",
                        "--out",
                        out.toString());
        console.println();
        console.println("Query any window of it: ./wavestash query --sensor porch --from " + started + " --to "
                + started.plusSeconds(5) + " --out porch.wav");
        console.flush();
        return status;
    }
}
