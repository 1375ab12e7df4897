package io.wavestash.cli;

import io.wavestash.playback.Player;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.query.QueryException;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WaveformQuery;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "play",
        description = "Play a sensor's session or time window on an audio device (gaps as silence, or skipped);"
                + " several sensors play together, mixed or each on its own channels.",
        mixinStandardHelpOptions = true)
final class PlayCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--sensor",
            required = true,
            paramLabel = "ID[,ID...]",
            description = "The sensor to play, or several (with --from/--to), aligned on one sample grid.")
    String sensor;

    @Option(
            names = "--layout",
            paramLabel = "mix|channels",
            defaultValue = "mix",
            description = "Several sensors: mix them into the same channels (default), or give each its own output"
                    + " channels, in --sensor order.")
    String layout;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--session", paramLabel = "START", description = "A whole session, named by its start.")
        String session;

        @ArgGroup(exclusive = false)
        Window window;
    }

    static final class Window {
        @Option(names = "--from", required = true, paramLabel = "T", description = "Window start (inclusive).")
        String from;

        @Option(names = "--to", required = true, paramLabel = "T", description = "Window end (exclusive).")
        String to;
    }

    @Option(
            names = "--device",
            paramLabel = "NAME",
            description = "Playback device (a mixer name, or part of one; see 'wavestash devices'). Default: the"
                    + " system's default.")
    String device;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1", description = "Playback rate (default: 1).")
    double speed;

    @Option(names = "--gain", paramLabel = "DB", defaultValue = "0", description = "Gain in dB (default: 0).")
    double gain;

    @Option(names = "--skip-gaps", description = "Leave gaps out instead of playing their silence.")
    boolean skipGaps;

    @Mixin
    StoreOptions storeOptions;

    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        List<SensorId> ids = Cli.sensors(sensor, "--sensor");
        Player.Layout chosen =
                switch (layout.toLowerCase(Locale.ROOT)) {
                    case "mix" -> Player.Layout.MIX;
                    case "channels" -> Player.Layout.CHANNELS;
                    default -> throw new Main.UserException(
                            "--layout: expected mix or channels, found '" + layout + "'");
                };
        if (what.session != null && ids.size() > 1) {
            throw new Main.UserException(
                    "--session: names one sensor's session; play several sensors with --from and --to");
        }
        Player.Options options;
        try {
            options = new Player.Options(gain, speed, skipGaps);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException(
                    (e.getMessage().startsWith("speed") ? "--speed: " : "--gain: ") + e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        try (ChunkStore store = storeOptions.open(Stores.Access.READ)) {
            WaveformQuery query = new WaveformQuery(store);
            List<SensorWindow> windows;
            if (what.session != null) {
                SensorId id = ids.get(0);
                long start = Cli.sessionStart(what.session, "--session");
                store.refresh();
                SessionEntry entry = store.sessions(id).get(start);
                if (entry == null) {
                    throw new Main.UserException("--session: sensor '" + id + "' has no session starting at "
                            + Times.ofEpochMicros(start) + (store.sessions(id).isEmpty() ? " (unknown sensor)" : ""));
                }
                windows = List.of(query.window(
                        id, Times.ofEpochMicros(start), entry.clock().instantOf(entry.endFrame())));
            } else {
                Instant from = Cli.instant(what.window.from, "--from");
                Instant to = Cli.instant(what.window.to, "--to");
                if (ids.size() > 1) {
                    for (SensorId id : ids) {
                        if (store.sessions(id).isEmpty()) {
                            throw new Main.UserException("--sensor: no sensor '" + id + "' in the store");
                        }
                    }
                }
                windows = ids.size() == 1 ? List.of(query.window(ids.get(0), from, to)) : query.windows(ids, from, to);
            }
            if (windows.stream().allMatch(SensorWindow::isEmpty)) {
                SensorWindow w = windows.get(0);
                throw new QueryException("no samples of sensor(s) "
                        + String.join(", ", ids.stream().map(SensorId::value).toList()) + " in [" + w.from() + ", "
                        + w.to() + ")");
            }
            Player player = new Player(device, options);
            int rate = windows.size() == 1
                    ? windows.get(0).format().sampleRateHz()
                    : io.wavestash.playback.Exporter.defaultRate(windows);
            Instant start = windows.get(0).from();
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stopRequested = true;
                try {
                    finished.await(3, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            long played;
            try {
                played = player.play(
                        windows,
                        chosen,
                        new Player.Progress() {
                            @Override
                            public void started(Player.Plan plan) {
                                err.printf(
                                        "%s on '%s': %s%n",
                                        describe(windows, chosen),
                                        player.deviceName(),
                                        windows.size() == 1
                                                ? plan.describe()
                                                : "aligned on a " + rate + " Hz grid, played as "
                                                        + plan.line().describe());
                                for (SensorWindow w : windows) {
                                    if (windows.size() > 1 || !w.gaps().isEmpty()) {
                                        err.printf(
                                                "  %s: %s, %d gap(s)%s%n",
                                                w.sensor(),
                                                w.isEmpty()
                                                        ? "no samples"
                                                        : w.format().describe(),
                                                w.gaps().size(),
                                                w.gaps().isEmpty() ? "" : skipGaps ? " skipped" : " as silence");
                                    }
                                }
                                err.flush();
                            }

                            @Override
                            public void at(long done, long total) {
                                // with gaps skipped, the position in the audio is not an instant of the window
                                err.printf(
                                        Locale.ROOT,
                                        "\r  %s / %s  %s",
                                        Cli.seconds(done, rate),
                                        Cli.seconds(total, rate),
                                        skipGaps
                                                ? ""
                                                : start.plusNanos(done * 1_000_000_000L / rate)
                                                        .truncatedTo(ChronoUnit.MICROS));
                                err.flush();
                            }
                        },
                        () -> stopRequested);
            } finally {
                finished.countDown();
                if (!stopRequested) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
            err.println();
            err.println((stopRequested ? "stopped after " : "played ") + Cli.seconds(played, rate));
            err.flush();
        }
        return 0;
    }

    private static String describe(List<SensorWindow> windows, Player.Layout layout) {
        if (windows.size() == 1) {
            return windows.get(0).sensor().value();
        }
        String names =
                String.join(", ", windows.stream().map(w -> w.sensor().value()).toList());
        return (layout == Player.Layout.MIX ? "mix of " : "channels of ") + names;
    }
}
