package io.wavestash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.SessionEntry;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "ls",
        description = "List sensors, their sessions, time ranges and gaps.",
        mixinStandardHelpOptions = true)
final class LsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sensor", paramLabel = "ID[,ID...]", description = "Only these sensors.")
    String sensors;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (ChunkStore store = storeOptions.open(Stores.Access.READ)) {
            Collection<SensorId> which = sensors == null ? store.sensors() : Cli.sensors(sensors, "--sensor");
            for (SensorId id : which) {
                if (store.sessions(id).isEmpty()) {
                    throw new Main.UserException("--sensor: unknown sensor '" + id + "'");
                }
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("store", store.config().path().toString());
            ArrayNode list = root.putArray("sensors");
            for (SensorId id : which) {
                ObjectNode sensor = list.addObject();
                sensor.put("sensor", id.value());
                ArrayNode sessions = sensor.putArray("sessions");
                for (SessionEntry entry : store.sessions(id).values()) {
                    sessions.add(describe(entry));
                }
            }
            if (json) {
                out.println(JSON.writeValueAsString(root));
            } else {
                printText(out, root);
            }
        }
        out.flush();
        return 0;
    }

    private static ObjectNode describe(SessionEntry entry) {
        SampleFormat f = entry.meta().format();
        long start = entry.meta().startEpochMicros();
        int fb = f.frameBytes();
        ObjectNode s = JSON.createObjectNode();
        s.put("start", Times.ofEpochMicros(start).toString());
        s.put("startEpochMicros", start);
        s.put("end", Times.instantOf(start, f.sampleRateHz(), entry.endFrame()).toString());
        s.put("frames", entry.runs().presentBytes() / fb);
        s.put("seconds", (double) entry.runs().presentBytes() / fb / f.sampleRateHz());
        s.set("format", JSON.valueToTree(f));
        s.put("chunkFrames", entry.meta().chunkFrames());
        s.put("source", entry.meta().source());
        ArrayNode gaps = s.putArray("gaps");
        long cursor = 0;
        List<long[]> present = entry.runs().presentRanges(0, Long.MAX_VALUE);
        for (long[] range : present) {
            if (range[0] > cursor) {
                ObjectNode gap = gaps.addObject();
                gap.put(
                        "start",
                        Times.instantOf(start, f.sampleRateHz(), cursor / fb).toString());
                gap.put(
                        "end",
                        Times.instantOf(start, f.sampleRateHz(), range[0] / fb).toString());
                gap.put("frames", (range[0] - cursor) / fb);
                gap.put("reason", "not_recorded");
            }
            cursor = range[1];
        }
        return s;
    }

    private static void printText(PrintWriter out, ObjectNode root) {
        if (root.path("sensors").isEmpty()) {
            out.println("no sensors in " + root.path("store").asText());
        }
        for (var sensor : root.path("sensors")) {
            out.println("sensor " + sensor.path("sensor").asText());
            for (var s : sensor.path("sessions")) {
                var f = s.path("format");
                out.printf(
                        "  session %s .. %s  %.3f s  %d Hz %d-bit %s %d ch  %s%n",
                        s.path("start").asText(),
                        s.path("end").asText(),
                        s.path("seconds").asDouble(),
                        f.path("sampleRateHz").asInt(),
                        f.path("bitsPerSample").asInt(),
                        f.path("encoding").asText().toLowerCase(),
                        f.path("channels").asInt(),
                        s.path("source").asText());
                for (var g : s.path("gaps")) {
                    out.printf(
                            "    gap %s .. %s  %d frames  %s%n",
                            g.path("start").asText(),
                            g.path("end").asText(),
                            g.path("frames").asLong(),
                            g.path("reason").asText().replace('_', ' '));
                }
            }
        }
    }
}
