package io.wavestash.ingest;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import io.wavestash.config.Backpressure;
import io.wavestash.config.ClockConfig;
import io.wavestash.config.IngestConfig;
import io.wavestash.config.RingPriority;
import io.wavestash.config.SensorConfig;
import io.wavestash.config.SourceKind;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.audio.AudioDeviceException;
import io.wavestash.ingest.dsp.LevelMeter;
import io.wavestash.ingest.journal.Journal;
import io.wavestash.ingest.journal.JournalHandler;
import io.wavestash.ingest.journal.Materializer;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.ingest.ring.Ring;
import io.wavestash.ingest.source.CaptureSource;
import io.wavestash.ingest.source.MicSource;
import io.wavestash.ingest.source.Pacer;
import io.wavestash.ingest.source.SharedPacing;
import io.wavestash.ingest.source.Sources;
import io.wavestash.ingest.source.SteppedSource;
import io.wavestash.ingest.source.ToneSource;
import io.wavestash.ingest.source.WavFileSource;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMetaJson;
import io.wavestash.storage.Stores;
import io.wavestash.storage.wav.WavImport;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ingest daemon: capture sources publish into the ring, the ring's handler appends to the journal (which
 * acknowledges), and the materializer tails the journal into the store. {@link #close} stops the sources,
 * drains the ring, materializes everything journaled and closes the store.
 */
public final class IngestDaemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IngestDaemon.class.getName());

    private final ChunkStore store;
    private final Journal journal;
    private final Materializer materializer;
    private final Thread materializerThread;
    /** Creates the store's files that the ring's handler writes chunks into. */
    private final ExecutorService preparing = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wavestash-placement");
        t.setDaemon(true);
        return t;
    });

    private final Ring ring;
    /** The ring's consumers running under real-time scheduling ({@code ring.priority: realtime}). */
    private final AtomicInteger realTimeConsumers = new AtomicInteger();

    private final AtomicBoolean realTimeRefused = new AtomicBoolean();
    private final IngestMetrics metrics = new IngestMetrics();
    private final IngestStats stats = new IngestStats(metrics.registry());
    private int metricsPort = -1;
    private final ScheduledExecutorService housekeeping =
            Executors.newSingleThreadScheduledExecutor(Background.threads("wavestash-retention"));
    private final List<CaptureSource> sources = new ArrayList<>();
    private final List<Thread> sourceThreads = new ArrayList<>();
    private final CountDownLatch sourcesDone;
    private boolean closed;
    /** The copy kept in object storage, or null. */
    private Mirror mirror;
    /** Whether, when the daemon closed, everything journaled was stored (or waited for room on the disk). */
    private boolean storedAll;

    private IngestDaemon(
            WavestashConfig config,
            Clock clock,
            Pacer pacer,
            Function<JournalHandler, EventHandler<ChunkEvent>> journalStage)
            throws IOException {
        IngestConfig ingest = config.ingest();
        Map<String, Backpressure> policies = new HashMap<>();
        for (SensorConfig s : ingest.sensors()) {
            policies.put(s.id(), s.backpressure());
            sources.add(source(s, clock, pacer, ingest.clock()));
        }
        this.store = Stores.open(config.store(), Stores.Access.WRITE);
        Journal opened = null;
        try {
            opened = new Journal(
                    ingest.journal(config.store()), ingest.journalCycle(), largestChunkBytes(ingest.sensors()));
            this.materializer = new Materializer(
                    opened, store, stats, new DiskGuard(config.store().path()));
            opened.touchAhead(new DiskGuard(opened.dir()));
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            store.close();
            throw e;
        }
        this.journal = opened;
        this.materializerThread = new Thread(() -> Background.run(materializer), "wavestash-materializer");
        materializerThread.start();
        this.ring = new Ring(
                ingest.ringSize(),
                ingest.ringConsumers(),
                policies,
                new CountingExceptionHandler(stats),
                new LevelMeter(metrics.registry(), ingest.silenceDbfs()),
                consumer -> List.of(journalStage.apply(JournalHandler.placing(
                        journal.writer(),
                        stats,
                        guard(journal.dir()),
                        store,
                        guard(config.store().path()),
                        materializer,
                        preparing))),
                ingest.ringPriority() == RingPriority.REALTIME ? this::raiseConsumer : () -> {});
        for (SensorConfig s : ingest.sensors()) {
            metrics.bindSensor(s.id(), stats.sensor(s.id()));
        }
        metrics.bindDaemon(this, config.store().path(), journal.dir());
        if (ingest.metricsPort() > 0) {
            try {
                metricsPort = metrics.serve(ingest.metricsBind(), ingest.metricsPort());
            } catch (IOException e) {
                close();
                throw new IOException(
                        "metrics: cannot listen on " + ingest.metricsBind() + ":" + ingest.metricsPort() + ": "
                                + e.getMessage(),
                        e);
            }
        }
        if (config.mirror() != null) {
            mirror = new Mirror(store, config.mirror(), metrics.registry()).start();
        }
        if (ingest.retention().active()) {
            Retention retention = new Retention(
                    store,
                    ingest.retention(),
                    clock,
                    materializer::storedAll,
                    () -> DiskGuard.usable(config.store().path(), Long.MAX_VALUE), // unknown: delete nothing for space
                    mirror == null ? (sensor, session) -> true : mirror::holds);
            housekeeping.scheduleWithFixedDelay(
                    () -> {
                        try {
                            retention.run();
                        } catch (RuntimeException e) {
                            LOG.warning("retention: " + e.getMessage());
                        }
                    },
                    ingest.retention().checkSeconds(),
                    ingest.retention().checkSeconds(),
                    TimeUnit.SECONDS);
        }
        this.sourcesDone = new CountDownLatch(sources.size());
        List<SteppedSource> paced = new ArrayList<>();
        for (CaptureSource source : sources) {
            if (source instanceof SteppedSource stepped && stepped.paced()) {
                paced.add(stepped); // waiting for their chunks to be due is all they do alone: one thread for all
                continue;
            }
            Thread t = new Thread(() -> runSource(source), "wavestash-source-" + source.sensor());
            sourceThreads.add(t);
        }
        if (!paced.isEmpty()) {
            sourceThreads.add(new Thread(
                    new SharedPacing(paced, ring, pacer, this::sourceFailed, s -> sourcesDone.countDown()),
                    "wavestash-paced-sources"));
        }
    }

    /** Starts recording every configured sensor. */
    public static IngestDaemon start(WavestashConfig config, Clock clock, Pacer pacer) throws IOException {
        return start(config, clock, pacer, journal -> journal);
    }

    /**
     * As {@link #start(WavestashConfig, Clock, Pacer)}, with the ring's journal stage wrapped, for example in a
     * stage that is slow at times, as a busy disk is.
     */
    public static IngestDaemon start(
            WavestashConfig config,
            Clock clock,
            Pacer pacer,
            Function<JournalHandler, EventHandler<ChunkEvent>> journalStage)
            throws IOException {
        IngestDaemon daemon = new IngestDaemon(config, clock, pacer, journalStage);
        SessionMetaJson.prepareWriter(); // before the sources all start their sessions at once
        daemon.sourceThreads.forEach(Thread::start);
        return daemon;
    }

    private static CaptureSource source(SensorConfig s, Clock clock, Pacer pacer, ClockConfig timing) {
        SensorId id = SensorId.of(s.id());
        return switch (s.source()) {
            case WAV -> new WavFileSource(
                    id,
                    s.file(),
                    s.chunkMs(),
                    s.realTime(),
                    s.loop(),
                    s.start(),
                    clock,
                    pacer,
                    s.limit(),
                    timing,
                    s.driftPpm());
            case TONE -> new ToneSource(
                    id,
                    format(s),
                    s.frequencyHz(),
                    s.chunkMs(),
                    s.realTime(),
                    s.limit() == null ? Long.MAX_VALUE : Sources.frames(s.limit(), s.sampleRateHz()),
                    clock,
                    pacer,
                    timing,
                    s.driftPpm());
            case MIC -> {
                try {
                    yield new MicSource(id, s.device(), format(s), s.chunkMs(), clock, s.limit(), pacer, timing);
                } catch (AudioDeviceException e) {
                    throw new AudioDeviceException(s.where() + ": " + e.getMessage());
                }
            }
        };
    }

    /** A guard of the disk under {@code dir}, for one of the ring's consumers (a guard is for one thread). */
    private static DiskGuard guard(java.nio.file.Path dir) {
        try {
            return new DiskGuard(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the free space under " + dir, e);
        }
    }

    /**
     * The largest chunk a sensor may send, from its format (a WAV file's header) and chunk length; a sensor whose
     * format cannot be known yet counts as {@link #UNKNOWN_FORMAT} (its source reports the error).
     */
    static long largestChunkBytes(List<SensorConfig> sensors) {
        long largest = 0;
        for (SensorConfig s : sensors) {
            SampleFormat f = knownFormat(s);
            largest = Math.max(largest, (long) Sources.chunkFrames(f.sampleRateHz(), s.chunkMs()) * f.frameBytes());
        }
        return largest;
    }

    /** Assumed of a sensor whose format cannot be known before it starts: 8 channels of 32 bits at 192 kHz. */
    private static final SampleFormat UNKNOWN_FORMAT = SampleFormat.pcm(192_000, 32, 8);

    private static SampleFormat knownFormat(SensorConfig s) {
        try {
            return s.source() == SourceKind.WAV
                    ? WavImport.open(s.file()).info().format()
                    : format(s);
        } catch (IOException | RuntimeException unknown) {
            return UNKNOWN_FORMAT;
        }
    }

    private static SampleFormat format(SensorConfig s) {
        return new SampleFormat(
                s.sampleRateHz(),
                s.bits(),
                s.channels(),
                SampleFormat.Encoding.valueOf(s.encoding().name()),
                SampleFormat.Endian.LITTLE);
    }

    private void runSource(CaptureSource source) {
        try {
            source.run(ring);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            sourceFailed(source, e);
        } finally {
            sourcesDone.countDown();
        }
    }

    private void sourceFailed(CaptureSource source, Exception e) {
        stats.sourceFailures.increment();
        LOG.log(Level.WARNING, "sensor " + source.sensor() + " stopped: " + e.getMessage());
    }

    /** The daemon's meters, for other endpoints that serve them. */
    public io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry() {
        return metrics.registry();
    }

    /** Port of the {@code /metrics} endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metricsPort;
    }

    /** Run by each of the ring's consumers as it starts, under {@code ring.priority: realtime}. */
    private void raiseConsumer() {
        String refused = RealTime.raise();
        if (refused == null) {
            realTimeConsumers.incrementAndGet();
        } else if (realTimeRefused.compareAndSet(false, true)) {
            LOG.warning("ring.priority: realtime: the ring's consumers run at normal priority: " + refused);
        }
    }

    /** How many of the ring's consumers run under real-time scheduling (0 unless {@code ring.priority: realtime}). */
    public int realTimeConsumers() {
        return realTimeConsumers.get();
    }

    public IngestStats stats() {
        return stats;
    }

    public ChunkStore store() {
        return store;
    }

    public Ring ring() {
        return ring;
    }

    /** The mirror to object storage, or null when none is configured. */
    public Mirror mirror() {
        return mirror;
    }

    public Materializer materializer() {
        return materializer;
    }

    /** Waits until every source has ended by itself (files without loop), or the timeout passes. */
    public boolean awaitSources(long timeout, TimeUnit unit) throws InterruptedException {
        return sourcesDone.await(timeout, unit);
    }

    /** Stops capture, drains the ring and the journal into the store, and closes it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        housekeeping.shutdown();
        try {
            housekeeping.awaitTermination(1, TimeUnit.MINUTES); // a retention pass in progress finishes first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sources.forEach(CaptureSource::stop);
        for (Thread t : sourceThreads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            ring.close();
            preparing.shutdown();
            preparing.awaitTermination(1, TimeUnit.MINUTES); // a file it is creating, before the store closes
            materializer.stop();
            materializerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            storedAll = materializer.caughtUp() || materializer.waitingForRoom();
            if (mirror != null) {
                mirror.stop(30);
            }
            metrics.close();
            journal.close();
            store.close();
        }
    }

    /**
     * True when every chunk a source produced was journaled and none was dropped; journaled chunks are stored,
     * or (when the store's disk is full) wait in the journal for the next start.
     */
    public synchronized boolean lostNothing() {
        return stats.total(s -> s.dropouts) == 0
                && stats.writeFailures.sum() == 0
                && (closed ? storedAll : materializer.caughtUp() || materializer.waitingForRoom());
    }

    /** A failing handler is counted and logged once per cause; capture goes on. */
    private static final class CountingExceptionHandler implements ExceptionHandler<ChunkEvent> {
        private final IngestStats stats;
        private volatile String lastCause;

        CountingExceptionHandler(IngestStats stats) {
            this.stats = stats;
        }

        @Override
        public void handleEventException(Throwable ex, long sequence, ChunkEvent event) {
            stats.writeFailures.increment();
            String cause = ex.getClass().getName() + ": " + ex.getMessage();
            if (!cause.equals(lastCause)) {
                LOG.log(Level.WARNING, "cannot journal a chunk of sensor " + event.sensor() + ": " + ex.getMessage());
                lastCause = cause;
            }
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.log(Level.SEVERE, "the journal handler did not start", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.log(Level.WARNING, "the journal handler did not stop cleanly", ex);
        }
    }
}
