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
        description = "Play a sensor's session or time window on an audio device (gaps as silence, or skipped).",
        mixinStandardHelpOptions = true)
final class PlayCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sensor", required = true, paramLabel = "ID", description = "The sensor to play.")
    String sensor;

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
        SensorId id = Cli.sensor(sensor, "--sensor");
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
            SensorWindow window;
            if (what.session != null) {
                long start = Cli.sessionStart(what.session, "--session");
                store.refresh();
                SessionEntry entry = store.sessions(id).get(start);
                if (entry == null) {
                    throw new Main.UserException("--session: sensor '" + id + "' has no session starting at "
                            + Times.ofEpochMicros(start) + (store.sessions(id).isEmpty() ? " (unknown sensor)" : ""));
                }
                window = query.window(
                        id, Times.ofEpochMicros(start), entry.clock().instantOf(entry.endFrame()));
            } else {
                Instant from = Cli.instant(what.window.from, "--from");
                Instant to = Cli.instant(what.window.to, "--to");
                window = query.window(id, from, to);
            }
            if (window.isEmpty()) {
                throw new QueryException(
                        "no samples of sensor " + id + " in [" + window.from() + ", " + window.to() + ")");
            }
            Player player = new Player(device, options);
            Player.Plan plan = player.plan(window.format());
            int rate = window.format().sampleRateHz();
            err.printf(
                    "%s on '%s': %s%s%n",
                    id,
                    player.deviceName(),
                    plan.describe(),
                    window.gaps().isEmpty()
                            ? ""
                            : ", " + window.gaps().size() + " gap(s) " + (skipGaps ? "skipped" : "as silence"));
            err.flush();
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
                        window,
                        (done, total) -> {
                            err.printf(
                                    Locale.ROOT,
                                    "\r  %s / %s  %s",
                                    Cli.seconds(done, rate),
                                    Cli.seconds(total, rate),
                                    window.from().plusNanos(done * 1_000_000_000L / rate));
                            err.flush();
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
}
