package io.wavestash.storage.layout;

import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.SessionMetaJson;
import io.wavestash.storage.StoreException;
import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.key.ChunkKey;
import io.wavestash.storage.key.KeyTemplate;
import io.wavestash.storage.persist.Persister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** What both layouts share: naming by template, metadata beside the data, and scanning. */
abstract class Layouts implements ChunkLayout {
    static final String META_NAME = "session.json";
    static final String INTERNAL = "@wavestash/";

    final Persister persister;
    final KeyTemplate template;
    final String device;

    Layouts(Persister persister, KeyTemplate template, String device) {
        this.persister = persister;
        this.template = template;
        this.device = template.hasDevice() ? device : null;
        if (template.hasDevice() && device == null) {
            throw new StoreException("template '" + template + "' has {device}: the store needs a device name");
        }
    }

    ChunkKey key(SessionMeta meta, long block) {
        return new ChunkKey(device, meta.sensor(), meta.startEpochMicros(), block);
    }

    String metaKey(SessionMeta meta) {
        return template.sessionKey(key(meta, 0), META_NAME);
    }

    @Override
    public void writeMeta(SessionMeta meta) throws IOException {
        persister.write(metaKey(meta), ByteBuffer.wrap(SessionMetaJson.write(meta)));
    }

    /** A session found by a scan: its metadata (once seen) and raw extents (block, stored size). */
    static final class Found {
        SessionMeta meta;
        final List<long[]> extents = new ArrayList<>();
    }

    /**
     * Lists every object, hands chunk objects to {@code chunk} and reads metadata, then turns what was
     * found into index entries with {@code toRuns}.
     */
    List<SessionEntry> scan(Consumer<String> warnings, ScanVisitor visitor) throws IOException {
        Map<String, Found> sessions = new HashMap<>();
        List<Persister.StoredObject> metas = new ArrayList<>();
        persister.list("", o -> {
            if (o.key().startsWith(INTERNAL)) {
                return;
            }
            if (o.key().endsWith(META_NAME)) {
                metas.add(o);
                return;
            }
            visitor.visit(o, sessions, warnings);
        });
        for (Persister.StoredObject o : metas) {
            try {
                SessionMeta meta = SessionMetaJson.read(persister.read(o.key()), o.key());
                if (!metaKey(meta).equals(o.key())) {
                    warnings.accept("ignoring " + o.key() + ": its session does not belong at this key under template '"
                            + template + "'");
                    continue;
                }
                sessions.computeIfAbsent(sessionId(key(meta, 0)), k -> new Found()).meta = meta;
            } catch (StoreException e) {
                warnings.accept("ignoring " + e.getMessage());
            }
        }
        List<SessionEntry> out = new ArrayList<>();
        for (Map.Entry<String, Found> e : sessions.entrySet()) {
            Found found = e.getValue();
            if (found.meta == null) {
                warnings.accept("ignoring " + found.extents.size() + " chunk(s) of session " + e.getKey() + ": its "
                        + META_NAME + " is missing");
                continue;
            }
            ChunkRuns runs = new ChunkRuns();
            for (long[] extent : found.extents) {
                visitor.addTo(found.meta, runs, extent, warnings);
            }
            out.add(new SessionEntry(found.meta, runs));
        }
        return out;
    }

    /** The per-layout part of a scan. */
    interface ScanVisitor {
        void visit(Persister.StoredObject object, Map<String, Found> sessions, Consumer<String> warnings);

        void addTo(SessionMeta meta, ChunkRuns runs, long[] extent, Consumer<String> warnings);
    }

    static String sessionId(ChunkKey key) {
        return key.device() + "/" + key.sensor() + "/" + key.sessionEpochMicros();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
