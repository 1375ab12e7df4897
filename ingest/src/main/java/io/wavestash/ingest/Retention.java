package io.wavestash.ingest;

import io.wavestash.config.RetentionConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.Protection;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.SessionEntry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Deletes whole sessions to keep a device from filling up: those that ended longer ago than the maximum age,
 * then, while free space is below the floor, the oldest. Never a sensor's newest session (it may still be
 * recording), never while the journal holds chunks not yet stored, never a session overlapping a protected
 * range, never one a mirror does not hold yet.
 */
public final class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class.getName());

    private final ChunkStore store;
    private final RetentionConfig config;
    private final Clock clock;
    private final BooleanSupplier allStored;
    private final LongSupplier freeBytes;
    private final BiPredicate<SensorId, SessionEntry> copiedElsewhere;

    /** A session retention deleted, and why. */
    public record Deleted(SensorId sensor, Instant start, Instant end, String reason) {}

    public Retention(
            ChunkStore store, RetentionConfig config, Clock clock, BooleanSupplier allStored, LongSupplier freeBytes) {
        this(store, config, clock, allStored, freeBytes, (sensor, session) -> true);
    }

    /** As above; {@code copiedElsewhere} says whether a session may go (a mirror holds all of it). */
    public Retention(
            ChunkStore store,
            RetentionConfig config,
            Clock clock,
            BooleanSupplier allStored,
            LongSupplier freeBytes,
            BiPredicate<SensorId, SessionEntry> copiedElsewhere) {
        this.copiedElsewhere = copiedElsewhere;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.allStored = allStored;
        this.freeBytes = freeBytes;
    }

    /** One pass; returns what it deleted (nothing when chunks still wait in the journal). */
    public List<Deleted> run() {
        List<Deleted> deleted = new ArrayList<>();
        if (!config.active() || !allStored.getAsBoolean()) {
            return deleted;
        }
        Path root = store.config().path();
        List<Protection.Range> protectedRanges = Protection.read(root);
        List<Candidate> candidates = new ArrayList<>();
        for (SensorId sensor : store.sensors()) {
            List<SessionEntry> sessions = new ArrayList<>(store.sessions(sensor).values());
            for (SessionEntry s : sessions.subList(0, Math.max(0, sessions.size() - 1))) { // never the newest
                Instant start = Times.ofEpochMicros(s.meta().startEpochMicros());
                Instant end = Times.instantOf(
                        s.meta().startEpochMicros(), s.meta().format().sampleRateHz(), s.endFrame());
                boolean isProtected = protectedRanges.stream().anyMatch(r -> r.overlaps(sensor.value(), start, end));
                if (!isProtected) {
                    candidates.add(new Candidate(sensor, s, start, end));
                }
            }
        }
        candidates.sort(Comparator.comparing(Candidate::end));
        Instant now = clock.instant();
        for (Candidate c : candidates) {
            String reason = null;
            if (config.maxAge() != null && c.end.isBefore(now.minus(config.maxAge()))) {
                reason = "older than " + config.maxAge().toHours() + " h";
            } else if (config.minFreeBytes() > 0 && freeBytes.getAsLong() < config.minFreeBytes()) {
                reason = "free space below " + (config.minFreeBytes() >> 20) + " MiB";
            }
            if (reason == null) {
                continue;
            }
            if (!copiedElsewhere.test(c.sensor, c.session)) {
                LOG.fine("retention keeps session " + c.start + " of sensor " + c.sensor + ": not yet mirrored");
                continue;
            }
            store.deleteSession(c.sensor, c.session.meta().startEpochMicros());
            store.flush();
            Deleted d = new Deleted(c.sensor, c.start, c.end, reason);
            LOG.info("retention deleted session " + d.start() + " .. " + d.end() + " of sensor " + d.sensor() + " ("
                    + reason + ")");
            deleted.add(d);
        }
        return deleted;
    }

    private record Candidate(SensorId sensor, SessionEntry session, Instant start, Instant end) {}
}
