package io.wavestash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionClock;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.LevelSummary;
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
        description = "List sensors, their sessions, time ranges, gaps, levels and clock drift.",
        mixinStandardHelpOptions = true)
final class LsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sensor", paramLabel = "ID[,ID...]", description = "Only these sensors.")
    String sensors;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(
            names = "--levels",
            description = "Also list every chunk's level in dBFS and whether it was silent, as measured at capture.")
    boolean levels;

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
            root.put("store", store.config().where());
            ArrayNode list = root.putArray("sensors");
            for (SensorId id : which) {
                ObjectNode sensor = list.addObject();
                sensor.put("sensor", id.value());
                ArrayNode sessions = sensor.putArray("sessions");
                for (SessionEntry entry : store.sessions(id).values()) {
                    ObjectNode session = describe(entry);
                    if (levels) {
                        ArrayNode chunks = session.putArray("chunkLevels");
                        var clock = entry.clock();
                        int fb = entry.meta().format().frameBytes();
                        store.forEachLevel(id, entry.meta().startEpochMicros(), r -> {
                            ObjectNode c = chunks.addObject();
                            c.put("start", clock.instantOf(r.block() / fb).toString());
                            c.put("block", r.block());
                            c.put("dbfs", r.level().dbfs());
                            c.put("silent", r.level().silent());
                        });
                    }
                    sessions.add(session);
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

    static ObjectNode describe(SessionEntry entry) {
        SampleFormat f = entry.meta().format();
        long start = entry.meta().startEpochMicros();
        int fb = f.frameBytes();
        ObjectNode s = JSON.createObjectNode();
        s.put("start", Times.ofEpochMicros(start).toString());
        s.put("startEpochMicros", start);
        SessionClock clock = entry.clock();
        s.put("end", clock.instantOf(entry.endFrame()).toString());
        s.put("frames", entry.runs().presentBytes() / fb);
        s.put("seconds", (double) entry.runs().presentBytes() / fb / f.sampleRateHz());
        s.set("format", JSON.valueToTree(f));
        s.put("chunkFrames", entry.meta().chunkFrames());
        s.put("source", entry.meta().source());
        ArrayNode gaps = s.putArray("gaps");
        long cursor = 0;
        List<long[]> present = new java.util.ArrayList<>(entry.runs().presentRanges(0, Long.MAX_VALUE));
        long end = entry.endFrame() * fb;
        present.add(new long[] {end, end});
        for (long[] range : present) {
            if (range[0] > cursor) {
                ObjectNode gap = gaps.addObject();
                gap.put("start", clock.instantOf(cursor / fb).toString());
                gap.put("end", clock.instantOf(range[0] / fb).toString());
                gap.put("frames", (range[0] - cursor) / fb);
                gap.put("reason", entry.dropouts().overlaps(cursor, range[0]) ? "dropped" : "not_recorded");
            }
            cursor = Math.max(cursor, range[1]);
        }
        if (!clock.isNominal()) {
            ObjectNode c = s.putObject("clock");
            c.put("anchors", clock.anchors());
            c.put("driftPpm", clock.driftPpm());
            c.put("offsetMs", clock.lastOffsetNanos() / 1e6);
        }
        LevelSummary l = entry.levels();
        if (l.chunks() > 0) {
            ObjectNode level = s.putObject("level");
            level.put("chunks", l.chunks());
            level.put("silentChunks", l.silent());
            level.put("minDbfs", l.minDbfs());
            level.put("meanDbfs", l.meanDbfs());
            level.put("maxDbfs", l.maxDbfs());
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
                var level = s.path("level");
                if (!level.isMissingNode()) {
                    out.printf(
                            "    level %.1f dBFS mean, %.1f .. %.1f, %d of %d chunks silent%n",
                            level.path("meanDbfs").asDouble(),
                            level.path("minDbfs").asDouble(),
                            level.path("maxDbfs").asDouble(),
                            level.path("silentChunks").asLong(),
                            level.path("chunks").asLong());
                }
                var clock = s.path("clock");
                if (!clock.isMissingNode()) {
                    double ppm = clock.path("driftPpm").asDouble();
                    out.printf(
                            "    clock: the sample clock runs %.1f ppm %s (%+.3f ms at the last of %d timing anchors)%n",
                            Math.abs(ppm),
                            ppm < 0 ? "fast" : "slow",
                            clock.path("offsetMs").asDouble(),
                            clock.path("anchors").asInt());
                }
                for (var g : s.path("gaps")) {
                    out.printf(
                            "    gap %s .. %s  %d frames  %s%n",
                            g.path("start").asText(),
                            g.path("end").asText(),
                            g.path("frames").asLong(),
                            g.path("reason").asText().replace('_', ' '));
                }
                for (var c : s.path("chunkLevels")) {
                    out.printf(
                            "    chunk %s  %6.1f dBFS%s%n",
                            c.path("start").asText(),
                            c.path("dbfs").asDouble(),
                            c.path("silent").asBoolean() ? "  silent" : "");
                }
            }
        }
    }
}
