package io.wavestash.bench;

import com.lmax.disruptor.EventHandler;
import io.wavestash.config.ConfigFile;
import io.wavestash.config.IngestConfig;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.IngestDaemon;
import io.wavestash.ingest.IngestStats;
import io.wavestash.ingest.journal.JournalHandler;
import io.wavestash.ingest.ring.ChunkEvent;
import io.wavestash.ingest.source.Pacer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Runs the ingest daemon in this process on N sensors looping one 48 kHz 16-bit mono WAV file, and reports
 * what it achieved.
 *
 * <ul>
 *   <li>{@code --mode fast}: sources as fast as the ring takes them ({@code realTime: false}, backpressure
 *       {@code block}); reports the acknowledged (journaled) and stored byte rates.
 *   <li>{@code --mode realtime}: sources paced as microphones are, each refusing what the ring cannot take
 *       (backpressure {@code drop}, a refused chunk is a dropout); reports dropouts, CPU and RSS, and the
 *       latency percentiles of capture to durable (the journal append that acknowledges a chunk) and capture
 *       to queryable (the chunk seen by a reader of the store in another process, {@link QueryableProbe}: it
 *       polls every 10 ms, or four times as long as a refresh of its index took). Both are reported again ({@code settled_...}) for
 *       the chunks captured from {@value #SETTLED_SECONDS} s after the start on. A real-time run that cannot keep
 *       up is stopped 30 s after its sources should have ended, and reports {@code kept_up=false}.
 * </ul>
 *
 * {@code java -cp ... io.wavestash.bench.IngestRun --dir DIR --wav FILE --sensors N --seconds S --mode M
 * [--layout chunks|segments] [--ring SIZE] [--consumers N] [--priority normal|realtime] [--cycle 1m] [--timeline true]}; with {@code --timeline true} it also prints, per second
 * of capture, the worst capture-to-durable, journal append and capture-to-queryable times.
 */
public final class IngestRun {
    private static final int CHUNK_MS = Stored.CHUNK_FRAMES * 1000 / Stored.FORMAT.sampleRateHz();
    private static final int CHUNK_BYTES = Stored.CHUNK_FRAMES * Stored.FORMAT.frameBytes();

    private final int sensors;
    private final int seconds;
    private final boolean realTime;
    private final Map<String, Integer> sensorIndex = new HashMap<>();
    /** Per sensor, when each chunk was handed to the ring (System.nanoTime), by chunk number; 0 = not yet. */
    private final AtomicLongArray[] published;

    private final Histogram toDurable = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    private final Histogram toQueryable = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    /**
     * The same two, for chunks captured at least {@value #SETTLED_SECONDS} s after the daemon started: a thousand
     * sensors starting at once first create their sessions' files and fill the JIT, and the store catches up after.
     */
    private final Histogram settledToDurable = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);

    private final Histogram settledToQueryable = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    private static final int SETTLED_SECONDS = 15;
    private volatile long settledNanos = Long.MAX_VALUE;

    private final AtomicLong lastJournaled = new AtomicLong();
    /** Per second of capture: the longest capture-to-durable, capture-to-queryable and journal append (ns). */
    private final AtomicLongArray worstDurable;

    private final AtomicLongArray worstQueryable;
    private final AtomicLongArray worstAppend;
    private volatile long startNanos;
    private volatile long maxRssKib;

    private final boolean timeline;

    private IngestRun(int sensors, int seconds, boolean realTime, boolean timeline) {
        this.timeline = timeline;
        this.sensors = sensors;
        this.seconds = seconds;
        this.realTime = realTime;
        this.published = new AtomicLongArray[sensors];
        this.worstDurable = new AtomicLongArray(seconds + 60);
        this.worstQueryable = new AtomicLongArray(seconds + 60);
        this.worstAppend = new AtomicLongArray(seconds + 60);
        for (int i = 0; i < sensors; i++) {
            sensorIndex.put(id(i), i);
            published[i] = new AtomicLongArray(chunksPerSensor());
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String mode = args.text("mode", null);
        if (!mode.equals("fast") && !mode.equals("realtime")) {
            throw new IllegalArgumentException("--mode must be fast or realtime, was " + mode);
        }
        Path wav = Path.of(args.text("wav", null)).toAbsolutePath();
        Stored.wavSamples(wav); // checks it is 48 kHz 16-bit mono
        IngestRun run = new IngestRun(
                args.integer("sensors", 16),
                args.integer("seconds", 60),
                mode.equals("realtime"),
                args.text("timeline", "false").equals("true"));
        String yaml = run.config(
                Path.of(args.text("dir", null)).toAbsolutePath(),
                wav,
                args.text("layout", "chunks"),
                args.integer("ring", IngestConfig.defaultRingSize(run.sensors)),
                args.integer("consumers", 0),
                args.text("priority", "normal"),
                args.text("cycle", "1m"));
        run.run(ConfigFile.parse("bench.yaml", yaml, WavestashConfig::from));
    }

    private static String id(int i) {
        return String.format("s%04d", i);
    }

    /** The daemon's config; {@code consumers} 0 leaves the ring's consumers to the default. */
    private String config(Path dir, Path wav, String layout, int ringSize, int consumers, String priority, String cycle)
            throws java.io.IOException {
        Files.createDirectories(dir);
        StringBuilder y = new StringBuilder();
        y.append("store:\n  path: ")
                .append(dir.resolve("store"))
                .append("\n  layout: ")
                .append(layout)
                .append('\n');
        y.append("journal:\n  path: ")
                .append(dir.resolve("journal"))
                .append("\n  cycle: ")
                .append(cycle)
                .append('\n');
        y.append("ring:\n  size: ").append(ringSize).append('\n');
        y.append("  priority: ").append(priority).append('\n');
        if (consumers > 0) {
            y.append("  consumers: ").append(consumers).append('\n');
        }
        y.append("sensors:\n");
        for (int i = 0; i < sensors; i++) {
            y.append("  - id: ").append(id(i)).append('\n');
            y.append("    source: wav\n    file: ").append(wav).append('\n');
            y.append("    loop: true\n    chunkMs: ").append(CHUNK_MS).append('\n');
            y.append("    seconds: ").append(seconds).append('\n');
            y.append("    realTime: ").append(realTime).append('\n');
            y.append("    backpressure: ").append(realTime ? "drop" : "block").append('\n');
        }
        return y.toString();
    }

    private void run(WavestashConfig config) throws Exception {
        Path seenFile = config.store().path().resolveSibling("probe.seen");
        Path probeReport = config.store().path().resolveSibling("probe.out");
        Process probe = realTime ? startProbe(config.store().path(), seenFile, probeReport) : null;
        long cpu0 = Report.cpuNanos();
        long t0 = System.nanoTime();
        startNanos = t0;
        settledNanos = t0 + TimeUnit.SECONDS.toNanos(SETTLED_SECONDS);
        IngestDaemon daemon =
                IngestDaemon.start(config, Clock.systemUTC(), Pacer.system(), journal -> new Timed(journal));
        Thread sampler = daemonThread("rss", this::sampleRss);
        // real-time sources end on time unless the machine cannot keep up; then the run is stopped and says so
        boolean onTime = daemon.awaitSources(realTime ? seconds + 30L : seconds * 20L + 120, TimeUnit.SECONDS);
        long sourcesDone = System.nanoTime();
        daemon.close();
        long closed = System.nanoTime();
        long cpu = Report.cpuNanos() - cpu0;
        if (probe != null) {
            finishProbe(probe, seenFile, probeReport);
        }
        sampler.interrupt();
        IngestStats stats = daemon.stats();
        long journaled = stats.total(s -> s.bytesJournaled);
        long stored = stats.total(s -> s.bytesStored);
        Report.put("sensors", sensors);
        Report.put("audio_seconds_per_sensor", seconds);
        Report.put("bytes_journaled", journaled);
        Report.put("bytes_stored", stored);
        Report.put("chunks_placed", stats.total(s -> s.chunksPlaced));
        Report.put("chunks_journaled", stats.total(s -> s.chunksJournaled));
        Report.put("dropouts", stats.total(s -> s.dropouts) + daemon.ring().refused());
        Report.put("dropped_bytes", stats.total(s -> s.droppedBytes));
        Report.put("lost_nothing", daemon.lostNothing());
        Report.put("kept_up", onTime);
        Report.put("realtime_consumers", daemon.realTimeConsumers());
        Report.put("wall_seconds", (closed - t0) / 1e9);
        Report.put("journaled_mb_per_s", journaled / ((lastJournaled.get() - t0) / 1e9) / 1e6);
        Report.put("stored_mb_per_s", stored / ((closed - t0) / 1e9) / 1e6);
        Report.put("drain_seconds", (closed - sourcesDone) / 1e9);
        Report.put("cpu_cores", cpu / (double) (closed - t0));
        Report.put("rss_max_mb", Math.max(maxRssKib, Report.statusKib("VmRSS")) / 1024.0);
        Report.put("rss_hwm_mb", Report.statusKib("VmHWM") / 1024.0);
        percentiles("durable", toDurable);
        percentiles("settled_durable", settledToDurable);
        if (realTime) {
            percentiles("queryable", toQueryable);
            percentiles("settled_queryable", settledToQueryable);
        }
        if (timeline) {
            for (int s = 0; s < worstDurable.length(); s++) {
                if (worstDurable.get(s) > 0 || worstQueryable.get(s) > 0) {
                    System.out.printf(
                            "second %d: worst durable %.1f ms, journal stage %.1f ms, queryable %.1f ms%n",
                            s, worstDurable.get(s) / 1e6, worstAppend.get(s) / 1e6, worstQueryable.get(s) / 1e6);
                }
            }
        }
    }

    /** Raises the worst latency of the second of capture {@code capturedNanos} falls in to {@code latency}. */
    private void worst(AtomicLongArray perSecond, long capturedNanos, long latency) {
        int second = (int) ((capturedNanos - startNanos) / 1_000_000_000L);
        if (second >= 0 && second < perSecond.length()) {
            perSecond.accumulateAndGet(second, latency, Math::max);
        }
    }

    /** Records the time from a chunk's capture to {@code now} in {@code all}, and in {@code settled} once settled. */
    private void record(Histogram all, Histogram settled, AtomicLongArray worst, long capturedNanos, long now) {
        long latency = Math.max(0, now - capturedNanos);
        all.recordValue(latency);
        worst(worst, capturedNanos, latency);
        if (capturedNanos >= settledNanos) {
            settled.recordValue(latency);
        }
    }

    private static void percentiles(String name, Histogram h) {
        Report.put(name + "_count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            for (String p : new String[] {"p50", "p99", "p999", "max"}) {
                Report.put(name + "_" + p + "_ms", "n/a"); // nothing measured, as in a run shorter than the settling
            }
            return;
        }
        Report.put(name + "_p50_ms", h.getValueAtPercentile(50) / 1e6);
        Report.put(name + "_p99_ms", h.getValueAtPercentile(99) / 1e6);
        Report.put(name + "_p999_ms", h.getValueAtPercentile(99.9) / 1e6);
        Report.put(name + "_max_ms", h.getMaxValue() / 1e6);
    }

    private static Thread daemonThread(String name, Runnable body) {
        Thread t = new Thread(body, "bench-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void sampleRss() {
        while (!Thread.currentThread().isInterrupted()) {
            maxRssKib = Math.max(maxRssKib, Report.statusKib("VmRSS"));
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Starts a {@link QueryableProbe}, a reader of the store in a process of its own, as a reader beside the daemon
     * is (its garbage, and its collector's pauses, are not the daemon's); it notes when it first saw each chunk.
     */
    private Process startProbe(Path store, Path seenFile, Path report) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process probe = new ProcessBuilder(
                        java,
                        "-XX:+UseSerialGC", // as the wavestash launcher runs the commands that read a store
                        "-cp",
                        System.getProperty("java.class.path"),
                        QueryableProbe.class.getName(),
                        "--store",
                        store.toString(),
                        "--sensors",
                        Integer.toString(sensors),
                        "--chunks",
                        Integer.toString(chunksPerSensor()),
                        "--chunk-bytes",
                        Integer.toString(CHUNK_BYTES),
                        "--out",
                        seenFile.toString())
                .redirectOutput(report.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        // a reader runs before the daemon starts, not beside its start: its JVM's start is not the daemon's
        Path ready = seenFile.resolveSibling(seenFile.getFileName() + ".ready");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            if (!probe.isAlive() || System.nanoTime() > deadline) {
                probe.destroyForcibly();
                throw new IllegalStateException("the reader process did not start");
            }
            Thread.sleep(5);
        }
        return probe;
    }

    private int chunksPerSensor() {
        return seconds * (1000 / CHUNK_MS) + 16;
    }

    /**
     * Ends the probe (its input closes; it polls once more and exits), then records for every chunk it saw the
     * time from its capture to its first sight, and reports the probe's refresh times and the chunks it never saw.
     */
    private void finishProbe(Process probe, Path seenFile, Path report) throws Exception {
        probe.getOutputStream().close();
        if (!probe.waitFor(120, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            throw new IllegalStateException("the reader process did not end");
        }
        if (probe.exitValue() != 0) {
            throw new IllegalStateException("the reader process failed (exit " + probe.exitValue() + ")");
        }
        long unseen = 0;
        try (java.io.DataInputStream in =
                new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(seenFile)))) {
            for (int i = 0; i < sensors; i++) {
                for (int c = 0; c < chunksPerSensor(); c++) {
                    long seenAt = in.readLong();
                    long capturedAt = published[i].get(c);
                    if (capturedAt == 0) {
                        continue;
                    }
                    if (seenAt == 0) {
                        unseen++;
                    } else {
                        record(toQueryable, settledToQueryable, worstQueryable, capturedAt, seenAt);
                    }
                }
            }
        }
        Report.put("queryable_unseen_chunks", unseen);
        for (String line : Files.readAllLines(report)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                Report.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
    }

    /**
     * The journal stage, timing each chunk from its capture to its acknowledgement (its journal record appended,
     * which the stage may do for a batch of chunks at once), and the stage's time on each event.
     */
    private final class Timed implements EventHandler<ChunkEvent> {
        private final JournalHandler journal;

        Timed(JournalHandler journal) {
            this.journal = journal;
            journal.onAcknowledged(this::acknowledged);
        }

        @Override
        public void onEvent(ChunkEvent event, long sequence, boolean endOfBatch) throws Exception {
            long began = System.nanoTime();
            journal.onEvent(event, sequence, endOfBatch);
            if (event.kind() == ChunkEvent.Kind.CHUNK) {
                worst(worstAppend, event.publishedNanos(), System.nanoTime() - began);
            }
        }

        private void acknowledged(String sensor, long block, long publishedNanos, long now) {
            record(toDurable, settledToDurable, worstDurable, publishedNanos, now);
            lastJournaled.set(now);
            int chunk = (int) (block / CHUNK_BYTES);
            AtomicLongArray times = published[sensorIndex.get(sensor)];
            if (chunk < times.length()) {
                times.set(chunk, publishedNanos);
            }
        }
    }
}
