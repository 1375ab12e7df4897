package io.wavestash.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wavestash.config.MirrorConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.StoreCopier;
import io.wavestash.storage.Stores;
import io.wavestash.storage.index.SessionEntry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Keeps a copy of the local store in object storage: a thread that copies, pass after pass, whatever the local
 * store holds and the bucket does not. The bucket's own index says what it holds, so the mirror resumes after a
 * restart or an outage where it stopped, and copying a chunk twice is harmless. While the bucket cannot be
 * reached, local ingest goes on; the mirror logs the error, counts it, backs off and tries again. Retention asks
 * {@link #holds} before it deletes a session.
 */
public final class Mirror implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Mirror.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final ChunkStore local;
    private final MirrorConfig config;
    private final Thread thread;
    private final Object wake = new Object();
    private volatile boolean stopping;
    private volatile ChunkStore remote;
    private volatile StoreCopier copier;
    /** As of the last pass (-1 before any). */
    private volatile StoreCopier.Backlog backlog = new StoreCopier.Backlog(-1, -1);

    private volatile boolean up;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private String lastError;

    public Mirror(ChunkStore local, MirrorConfig config, MeterRegistry registry) {
        this.local = local;
        this.config = config;
        this.thread = new Thread(() -> Background.run(this::run), "wavestash-mirror");
        thread.setDaemon(true);
        Gauge.builder("wavestash.mirror.backlog", this, m -> m.backlog.bytes())
                .description("bytes of audio stored locally and not yet in the mirror (-1 before the first pass)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("wavestash.mirror.lag", this, m -> m.backlog.seconds())
                .description("seconds of audio the sensor furthest behind has not yet in the mirror")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("wavestash.mirror.up", this, m -> m.up ? 1 : 0)
                .description("1 while the last pass reached the mirror's bucket, else 0")
                .register(registry);
        FunctionCounter.builder("wavestash.mirror.errors", errors, AtomicLong::get)
                .description("passes that failed (bucket unreachable, refused, ...)")
                .register(registry);
        FunctionCounter.builder("wavestash.mirror.chunks", chunks, AtomicLong::get)
                .description("chunks copied to the mirror")
                .register(registry);
        FunctionCounter.builder("wavestash.mirror.copied", bytes, AtomicLong::get)
                .description("bytes copied to the mirror")
                .baseUnit("bytes")
                .register(registry);
    }

    public Mirror start() {
        thread.start();
        return this;
    }

    /** Whether the mirror holds all of a session, so that the local copy may go. */
    public boolean holds(SensorId sensor, SessionEntry session) {
        StoreCopier c = copier;
        try {
            return c != null && up && c.holds(sensor, session);
        } catch (RuntimeException e) {
            return false;
        }
    }

    public long backlogBytes() {
        return backlog.bytes();
    }

    public double lagSeconds() {
        return backlog.seconds();
    }

    public boolean up() {
        return up;
    }

    public long errors() {
        return errors.get();
    }

    private void run() {
        long backoff = config.intervalMillis();
        while (true) {
            boolean last = stopping; // asked to stop: one more full pass, for what was stored meanwhile
            try {
                if (remote == null) {
                    remote = Stores.open(config.target(), Stores.Access.WRITE);
                    copier = new StoreCopier(local, remote, false, false);
                    LOG.info("mirror: copying to " + config.target().where());
                }
                StoreCopier.Result r = copier.copy(p -> {}, () -> stopping && !last);
                chunks.addAndGet(r.chunksCopied());
                bytes.addAndGet(r.bytesCopied());
                backlog = copier.backlog();
                if (!up && lastError != null) {
                    LOG.info("mirror: " + config.target().where() + " reachable again");
                }
                up = true;
                lastError = null;
                backoff = config.intervalMillis();
                if (last) {
                    return;
                }
                if (r.chunksCopied() == 0) {
                    pause(config.intervalMillis());
                }
            } catch (RuntimeException e) {
                up = false;
                errors.incrementAndGet();
                if (copier != null) {
                    backlog = copier.backlog(); // grows while the bucket is away
                }
                if (!String.valueOf(e.getMessage()).equals(lastError)) {
                    LOG.warning("mirror: " + e.getMessage() + " (local recording goes on; retrying)");
                    lastError = String.valueOf(e.getMessage());
                }
                if (last) {
                    return; // the next start picks up where this one stopped
                }
                pause(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    private void pause(long millis) {
        synchronized (wake) {
            if (!stopping) {
                try {
                    wake.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
        }
    }

    /**
     * Makes a last pass for what was stored since the previous one, then closes the bucket's store; waits at
     * most {@code seconds} (what is left is copied after the next start).
     */
    public void stop(long seconds) {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(seconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ChunkStore r = remote;
        if (r != null && !thread.isAlive()) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.warning("mirror: closing " + config.target().where() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        stop(30);
    }
}
