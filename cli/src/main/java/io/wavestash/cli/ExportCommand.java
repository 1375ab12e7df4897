package io.wavestash.cli;

import io.wavestash.playback.Exporter;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.query.Gap;
import io.wavestash.storage.query.QueryException;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WaveformQuery;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "export",
        description = "Export a time window of several sensors aligned on one sample grid: one multichannel WAV, or"
                + " one WAV per sensor, gaps as silence, with a sidecar JSON listing segments and gaps.",
        mixinStandardHelpOptions = true)
final class ExportCommand implements Callable<Integer> {
    /** Windows at least this long (in seconds of audio) show a progress bar. */
    private static final long PROGRESS_SECONDS = 60;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sensor", required = true, paramLabel = "A,B,C", description = "Sensors, in channel order.")
    String sensors;

    @Option(names = "--from", required = true, paramLabel = "T", description = "Window start (inclusive).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "T", description = "Window end (exclusive).")
    String to;

    @Option(names = "--out", required = true, paramLabel = "FILE.wav", description = "The WAV to write.")
    Path out;

    @Option(
            names = "--rate",
            paramLabel = "HZ",
            description = "Sample rate of the grid (default: the highest rate among the sensors).")
    Integer rate;

    @Option(
            names = "--layout",
            paramLabel = "channels|files",
            defaultValue = "channels",
            description = "channels: one WAV, each sensor's channels in turn (default); files: FILE-SENSOR.wav each.")
    String layout;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        List<SensorId> ids = Cli.sensors(sensors, "--sensor");
        Instant fromInstant = Cli.instant(from, "--from");
        Instant toInstant = Cli.instant(to, "--to");
        Exporter.Layout chosen =
                switch (layout.toLowerCase(Locale.ROOT)) {
                    case "channels" -> Exporter.Layout.CHANNELS;
                    case "files" -> Exporter.Layout.FILES;
                    default -> throw new Main.UserException(
                            "--layout: expected channels or files, found '" + layout + "'");
                };
        if (rate != null && (rate < 1 || rate > SampleFormat.MAX_SAMPLE_RATE_HZ)) {
            throw new Main.UserException(
                    "--rate: expected 1.." + SampleFormat.MAX_SAMPLE_RATE_HZ + " Hz, found " + rate);
        }
        PrintWriter err = spec.commandLine().getErr();
        try (ChunkStore store = storeOptions.open(Stores.Access.READ)) {
            for (SensorId id : ids) {
                if (store.sessions(id).isEmpty()) {
                    throw new Main.UserException("--sensor: no sensor '" + id + "' in the store");
                }
            }
            List<SensorWindow> windows = new WaveformQuery(store).windows(ids, fromInstant, toInstant);
            if (windows.stream().allMatch(SensorWindow::isEmpty)) {
                throw new QueryException("no samples in [" + fromInstant + ", " + toInstant + ") for sensor(s) "
                        + String.join(", ", ids.stream().map(SensorId::value).toList()));
            }
            int grid = rate != null ? rate : Exporter.defaultRate(windows);
            long seconds = Duration.between(fromInstant, toInstant).toSeconds();
            Exporter.Progress progress = seconds >= PROGRESS_SECONDS ? bar(err, grid) : (done, total) -> {};
            Exporter.Result result = Exporter.export(windows, grid, chosen, out, progress);
            if (seconds >= PROGRESS_SECONDS) {
                err.println();
            }
            for (int i = 0; i < result.files().size(); i++) {
                SampleFormat f = result.formats().get(i);
                err.printf(
                        "%s: %d frames (%s), %s%n",
                        result.files().get(i), result.frames(), Cli.seconds(result.frames(), grid), f.describe());
            }
            for (int i = 0; i < windows.size(); i++) {
                SensorWindow w = windows.get(i);
                List<Gap> gaps = result.gaps().get(i);
                err.printf(
                        "  %s: %s, %d segment(s), %d gap(s)%s%n",
                        w.sensor(),
                        w.isEmpty() ? "no samples" : w.format().describe(),
                        w.segments().size(),
                        gaps.size(),
                        gaps.isEmpty() ? "" : " as silence");
            }
            err.printf("segments and gaps: %s%n", result.sidecar());
            err.flush();
        }
        return 0;
    }

    /** A progress bar in seconds of audio. */
    private static Exporter.Progress bar(PrintWriter err, int rate) {
        ProgressBar bar = new ProgressBar(err);
        return (done, total) -> bar.show(done, total, Cli.seconds(done, rate) + " / " + Cli.seconds(total, rate));
    }
}
