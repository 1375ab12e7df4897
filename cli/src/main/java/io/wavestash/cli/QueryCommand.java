package io.wavestash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.query.QueryException;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WavExport;
import io.wavestash.storage.query.WaveformQuery;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "query",
        description = "Write the samples of a time window [from, to) as WAV, one file per sensor.",
        mixinStandardHelpOptions = true)
final class QueryCommand implements Callable<Integer> {

    /** Made for the first window with gaps: a window without any writes no sidecar and needs no mapper. */
    private static final class Sidecar {
        static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    enum Fill {
        none,
        silence
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sensor", paramLabel = "ID[,ID...]", description = "Sensors to query (default: all).")
    String sensors;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "INSTANT",
            description = "Window start, inclusive: ISO-8601 or epoch ms.")
    String from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "INSTANT",
            description = "Window end, exclusive: ISO-8601 or epoch ms.")
    String to;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.wav",
            description =
                    "Output WAV; with several sensors FILE-SENSOR.wav each; '-' writes one sensor to standard output.")
    String out;

    @Option(
            names = "--fill",
            paramLabel = "MODE",
            defaultValue = "none",
            description =
                    "Gaps: none (samples back to back, gaps listed in FILE.wav.json) or silence (the whole window on one grid).")
    Fill fill;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        Instant fromInstant = Cli.instant(from, "--from");
        Instant toInstant = Cli.instant(to, "--to");
        List<SensorId> ids = sensors == null ? List.of() : Cli.sensors(sensors, "--sensor");
        PrintWriter log = spec.commandLine().getErr();
        try (ChunkStore store = storeOptions.open(Stores.Access.READ)) {
            List<SensorWindow> windows = new WaveformQuery(store).windows(ids, fromInstant, toInstant);
            List<String> empty = new ArrayList<>();
            for (SensorWindow w : windows) {
                if (w.isEmpty()) {
                    empty.add(w.sensor().value());
                } else {
                    w.format();
                }
            }
            if (!empty.isEmpty() && (!ids.isEmpty() || empty.size() == windows.size())) {
                throw new QueryException("no samples in [" + fromInstant + ", " + toInstant + ") for sensor(s) "
                        + String.join(", ", empty));
            }
            if (!empty.isEmpty()) {
                // every sensor was asked for: those that recorded nothing in the window are left out
                windows = windows.stream().filter(w -> !w.isEmpty()).toList();
                log.println("no samples in the window for sensor(s) " + String.join(", ", empty) + ": left out");
            }
            if (out.equals("-") && windows.size() > 1) {
                throw new Main.UserException(
                        "--out -: standard output takes one sensor; this window has " + windows.size());
            }
            for (SensorWindow w : windows) {
                SensorWindow.Stream stream = fill == Fill.silence ? w.filled() : w.samples();
                if (out.equals("-")) {
                    // a file channel, so stored file bytes can go to it without a copy in this process
                    WritableByteChannel stdout = new FileOutputStream(FileDescriptor.out).getChannel();
                    WavExport.write(stream, stdout);
                    System.out.flush();
                    report(log, w, stream, "standard output");
                    continue;
                }
                Path file = outputFile(w.sensor(), windows.size() > 1);
                WavExport.write(stream, file);
                Path sidecar = Path.of(file + ".json");
                if (!w.gaps().isEmpty() || w.segments().size() > 1) {
                    Files.write(sidecar, Sidecar.JSON.writeValueAsBytes(describe(w, stream)));
                } else {
                    Files.deleteIfExists(sidecar);
                }
                report(log, w, stream, file.toString());
            }
        }
        log.flush();
        return 0;
    }

    private Path outputFile(SensorId sensor, boolean several) {
        Path base = Path.of(out);
        return several ? WavExport.perSensor(base, sensor) : base;
    }

    private void report(PrintWriter log, SensorWindow w, SensorWindow.Stream stream, String where) {
        int rate = stream.format().sampleRateHz();
        log.printf(
                "%s: sensor %s, %d frames (%s), %s, %d segment(s), %d gap(s)%s%n",
                where,
                w.sensor(),
                stream.frames(),
                Cli.seconds(stream.frames(), rate),
                stream.format().describe(),
                w.segments().size(),
                w.gaps().size(),
                w.gaps().isEmpty()
                        ? ""
                        : fill == Fill.silence ? " filled with silence" : " left out (see " + where + ".json)");
    }

    private ObjectNode describe(SensorWindow w, SensorWindow.Stream stream) {
        ObjectNode root = Sidecar.JSON.createObjectNode();
        root.put("sensor", w.sensor().value());
        root.put("from", w.from().toString());
        root.put("to", w.to().toString());
        root.put("fill", fill.name());
        root.set("format", Sidecar.JSON.valueToTree(stream.format()));
        root.put("frames", stream.frames());
        WindowJson.segments(root.putArray("segments"), w.segments(), false);
        WindowJson.gaps(root.putArray("gaps"), w.gaps());
        return root;
    }
}
