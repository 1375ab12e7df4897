package io.wavestash.cli;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.StoreException;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.wav.WavImport;
import io.wavestash.storage.wav.WavInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "import",
        description = "Chunk an existing WAV recording into the store as one session of a sensor.",
        mixinStandardHelpOptions = true)
final class ImportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE.wav", description = "PCM or float WAV, any rate, depth and channel count.")
    Path file;

    @Option(
            names = "--sensor",
            required = true,
            paramLabel = "ID",
            description = "Sensor id: 1-64 of A-Z a-z 0-9 . _ -")
    String sensor;

    @Option(
            names = "--start",
            required = true,
            paramLabel = "INSTANT",
            description =
                    "UTC instant the recording started: ISO-8601 (2026-11-20T10:00:00.125Z) or epoch milliseconds.")
    String start;

    @ArgGroup(exclusive = true)
    ChunkLength chunk = new ChunkLength();

    static final class ChunkLength {
        @Option(names = "--chunk-ms", paramLabel = "MS", description = "Chunk length in milliseconds (default 1000).")
        Integer millis;

        @Option(names = "--chunk-frames", paramLabel = "N", description = "Chunk length in frames.")
        Integer frames;
    }

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        SensorId id = Cli.writtenSensor(sensor, "--sensor");
        long startMicros = Cli.sessionStart(start, "--start");
        WavImport wav = WavImport.open(file);
        WavInfo info = wav.info();
        int chunkFrames = chunkFrames(info.format().sampleRateHz());
        PrintWriter err = spec.commandLine().getErr();
        for (String warning : info.warnings()) {
            err.println("wavestash: warning: " + file + ": " + warning);
        }
        err.flush();
        SessionMeta meta;
        try (ChunkStore store = storeOptions.open(Stores.Access.WRITE)) {
            meta = wav.into(store, id, startMicros, chunkFrames);
        } catch (StoreException e) {
            throw new StoreException("cannot import " + file + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        double seconds = (double) info.frames() / info.format().sampleRateHz();
        out.printf(
                "imported %s as sensor %s, session %s: %d frames (%.3f s), %s, %d-frame chunks%n",
                file,
                id,
                Times.ofEpochMicros(meta.startEpochMicros()),
                info.frames(),
                seconds,
                info.format().describe(),
                chunkFrames);
        out.flush();
        return 0;
    }

    private int chunkFrames(int rate) {
        if (chunk.frames != null) {
            if (chunk.frames < 1 || chunk.frames > 1 << 24) {
                throw new Main.UserException("--chunk-frames must be from 1 to " + (1 << 24) + ", was " + chunk.frames);
            }
            return chunk.frames;
        }
        int millis = chunk.millis == null ? 1000 : chunk.millis;
        if (millis < 1 || millis > 600_000) {
            throw new Main.UserException("--chunk-ms must be from 1 to 600000, was " + millis);
        }
        return (int) Math.max(1, (long) rate * millis / 1000);
    }
}
