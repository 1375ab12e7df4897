package io.wavestash.ingest;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The daemon's meters in a Prometheus registry, and the HTTP endpoint that serves them on {@code /metrics}
 * (the JDK's own HTTP server: nothing more is needed for one scrape every few seconds).
 */
public final class IngestMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private HttpServer server;

    public IngestMetrics() {
        // two of Micrometer's processor meters break Prometheus naming rules (promtool's lint): leave them out
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Meters of one sensor, read from its counters at each scrape. */
    void bindSensor(String sensor, IngestStats.Sensor s) {
        Tags tags = Tags.of("sensor", sensor);
        counter(
                "wavestash.chunks.acknowledged",
                "chunks appended to the journal",
                tags,
                s,
                x -> x.chunksJournaled.sum());
        counter(
                "wavestash.acknowledged",
                "bytes appended to the journal",
                tags,
                s,
                x -> x.bytesJournaled.sum(),
                "bytes");
        counter(
                "wavestash.chunks.placed",
                "chunks acknowledged once written straight into the store (their journal records only say where)",
                tags,
                s,
                x -> x.chunksPlaced.sum());
        counter("wavestash.chunks.stored", "chunks written into the store", tags, s, x -> x.chunksStored.sum());
        counter("wavestash.stored", "bytes written into the store", tags, s, x -> x.bytesStored.sum(), "bytes");
        counter("wavestash.dropouts", "dropout ranges recorded (full ring, full disk)", tags, s, x -> x.dropouts.sum());
        counter("wavestash.dropped", "bytes lost in dropouts", tags, s, x -> x.droppedBytes.sum(), "bytes");
        counter(
                "wavestash.chunks.refused.disk.full",
                "chunks the journal's full disk could not take",
                tags,
                s,
                x -> x.chunksRefused.sum());
    }

    void bindDaemon(IngestDaemon daemon, Path storeDir, Path journalDir) {
        IngestStats stats = daemon.stats();
        counter(
                "wavestash.write.failures",
                "records that could not be journaled or stored",
                Tags.empty(),
                stats,
                x -> x.writeFailures.sum());
        counter(
                "wavestash.source.failures",
                "sources that stopped on an error",
                Tags.empty(),
                stats,
                x -> x.sourceFailures.sum());
        gauge("wavestash.ring.remaining", "free slots in the ring", Tags.empty(), daemon, d -> d.ring()
                .remainingCapacity());
        gauge("wavestash.ring.size", "slots in the ring", Tags.empty(), daemon, d -> d.ring()
                .size());
        gauge(
                "wavestash.ring.realtime.consumers",
                "the ring's consumer threads under real-time scheduling (ring.priority: realtime)",
                Tags.empty(),
                daemon,
                IngestDaemon::realTimeConsumers);
        gauge(
                "wavestash.journal.lag.records",
                "journal records (chunks, and the sessions, dropouts and anchors among them) not yet in the store",
                Tags.empty(),
                daemon,
                d -> d.materializer().lag());
        gauge(
                "wavestash.disk.free.bytes",
                "usable space of the store's file system",
                Tags.of("path", "store"),
                storeDir,
                d -> DiskGuard.usable(d, -1));
        gauge(
                "wavestash.disk.free.bytes",
                "usable space of the journal's file system",
                Tags.of("path", "journal"),
                journalDir,
                d -> DiskGuard.usable(d, -1));
    }

    /** Serves {@code /metrics} on {@code bind:port}; returns the port (useful when 0 asked for any free one). */
    public int serve(String bind, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")
                        && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
                if (!exchange.getRequestMethod().equals("HEAD")) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wavestash-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        gc.close();
        registry.close();
    }

    private <T> void counter(String name, String help, Tags tags, T obj, ToLongFunction<T> f) {
        counter(name, help, tags, obj, f, null);
    }

    private <T> void counter(String name, String help, Tags tags, T obj, ToLongFunction<T> f, String unit) {
        FunctionCounter.builder(name, obj, x -> f.applyAsLong(x))
                .description(help)
                .tags(tags)
                .baseUnit(unit)
                .register(registry);
    }

    private <T> void gauge(String name, String help, Tags tags, T obj, ToDoubleFunction<T> f) {
        Gauge.builder(name, obj, f).description(help).tags(tags).register(registry);
    }
}
