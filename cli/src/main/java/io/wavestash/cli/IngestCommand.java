package io.wavestash.cli;

import io.wavestash.config.ConfigException;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.IngestDaemon;
import io.wavestash.ingest.IngestStats;
import io.wavestash.ingest.source.Pacer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the ingest daemon until every source ends or SIGTERM/SIGINT arrives; exit 3 when anything was lost. */
@Command(
        name = "ingest",
        description = "Run the ingest daemon: record the configured sensors until stopped.",
        mixinStandardHelpOptions = true)
final class IngestCommand implements Callable<Integer> {
    /** Exit status when capture lost something (dropouts, failed writes). */
    static final int EXIT_LOST = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "YAML config: store, sensors, journal, ring.")
    Path config;

    @Option(names = "--store", paramLabel = "DIR", description = "Store directory, overriding the config's.")
    Path store;

    @Override
    public Integer call() throws Exception {
        WavestashConfig cfg = WavestashConfig.load(config);
        if (store != null) {
            cfg = new WavestashConfig(cfg.store().withPath(store), cfg.ingest(), cfg.http(), cfg.mirror());
        }
        if (cfg.ingest().sensors().isEmpty()) {
            throw new ConfigException(config + ": sensors: no sensors to record");
        }
        return run(cfg, spec.commandLine().getOut(), Clock.systemUTC(), Pacer.system());
    }

    /** Runs the daemon and reports; shared with {@code demo}. */
    static int run(WavestashConfig cfg, PrintWriter out, Clock clock, Pacer pacer) throws Exception {
        AtomicReference<IngestDaemon> started = new AtomicReference<>();
        CountDownLatch startDone = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(EXIT_LOST);
        // installed before the daemon starts: a SIGTERM that comes while it opens the store and the journal (after
        // a crash that can take a while) still stops it cleanly once it is up
        Thread hook = new Thread(
                () -> {
                    try {
                        IngestDaemon daemon = startDone.await(1, TimeUnit.MINUTES) ? started.get() : null;
                        if (daemon == null) {
                            return; // it did not start: nothing to drain
                        }
                        daemon.close(); // SIGTERM or SIGINT: drain and close before the JVM goes
                        if (finished.await(1, TimeUnit.MINUTES)) {
                            out.flush();
                            Runtime.getRuntime().halt(status.get()); // the exit status says whether anything was lost
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "wavestash-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        IngestDaemon daemon;
        try {
            daemon = IngestDaemon.start(cfg, clock, pacer);
            started.set(daemon);
        } catch (Exception | Error e) {
            removeHook(hook);
            throw e;
        } finally {
            startDone.countDown();
        }
        out.printf(
                "recording %d sensor(s) into %s (Ctrl-C to stop)%n",
                cfg.ingest().sensors().size(), cfg.store().where());
        if (cfg.mirror() != null) {
            out.printf(
                    "mirroring to %s as device %s%n",
                    cfg.mirror().target().where(), cfg.mirror().target().device());
        }
        if (daemon.metricsPort() > 0) {
            out.printf("metrics on http://%s:%d/metrics%n", cfg.ingest().metricsBind(), daemon.metricsPort());
        }
        HttpApi api = null;
        if (cfg.http().port() > 0) {
            try {
                api = HttpApi.start(cfg.http(), cfg.store(), daemon.registry());
            } catch (Exception | Error e) {
                daemon.close();
                removeHook(hook);
                throw e;
            }
            out.printf("HTTP API and web page on %s%n", api.url());
        }
        out.flush();
        daemon.awaitSources(Long.MAX_VALUE, TimeUnit.DAYS);
        if (api != null) {
            api.close();
        }
        daemon.close();
        report(daemon.stats(), out);
        status.set(daemon.lostNothing() ? 0 : EXIT_LOST);
        finished.countDown();
        removeHook(hook);
        return daemon.lostNothing() ? 0 : EXIT_LOST;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already; it has nothing left to do
        }
    }

    static void report(IngestStats stats, PrintWriter out) {
        stats.sensors()
                .forEach((sensor, s) -> out.printf(
                        "%s: %d chunks (%d bytes) stored, %d dropout(s)%s%n",
                        sensor,
                        s.chunksStored.sum(),
                        s.bytesStored.sum(),
                        s.dropouts.sum(),
                        s.chunksJournaled.sum() > s.chunksStored.sum()
                                ? ", " + (s.chunksJournaled.sum() - s.chunksStored.sum())
                                        + " chunk(s) wait in the journal for room in the store"
                                : ""));
        if (stats.writeFailures.sum() > 0 || stats.sourceFailures.sum() > 0) {
            out.printf(
                    "%d write failure(s), %d source failure(s)%n",
                    stats.writeFailures.sum(), stats.sourceFailures.sum());
        }
        out.flush();
    }
}
