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
    static final String DROPOUTS_NAME = "dropouts.json";
    static final String CLOCK_NAME = "clock.json";
    static final String INTERNAL = "@wavestash/";

    final Persister persister;
    final KeyTemplate template;
    final String device;

    Layouts(Persister persister, KeyTemplate template, String device) {
        this.persister = persister;
        this.template = template;
        this.device = template.hasDevice() ? device : null;
        if (template.hasDevice() && device == null) {
            throw new StoreException("template '" + template + "' has {device}: writing needs this device's name"
                    + " (store.device in the config)");
        }
    }

    ChunkKey key(SessionMeta meta, long block) {
        return new ChunkKey(device, meta.sensor(), meta.startEpochMicros(), block);
    }

    String metaKey(SessionMeta meta) {
        return template.sessionKey(key(meta, 0), META_NAME);
    }

    String dropoutsKey(SessionMeta meta) {
        return template.sessionKey(key(meta, 0), DROPOUTS_NAME);
    }

    String clockKey(SessionMeta meta) {
        return template.sessionKey(key(meta, 0), CLOCK_NAME);
    }

    @Override
    public void writeDropouts(SessionMeta meta, List<long[]> dropouts) throws IOException {
        persister.write(dropoutsKey(meta), pairs("dropouts", dropouts));
    }

    @Override
    public void writeAnchors(SessionMeta meta, List<long[]> anchors) throws IOException {
        persister.write(clockKey(meta), pairs("anchors", anchors));
    }

    /** {@code {"name":[[a,b],...]}} */
    private static ByteBuffer pairs(String name, List<long[]> pairs) {
        StringBuilder json = new StringBuilder("{\"" + name + "\":[");
        for (int i = 0; i < pairs.size(); i++) {
            json.append(i == 0 ? "" : ",")
                    .append('[')
                    .append(pairs.get(i)[0])
                    .append(',')
                    .append(pairs.get(i)[1])
                    .append(']');
        }
        return ByteBuffer.wrap(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    private static List<long[]> parsePairs(byte[] bytes) {
        List<long[]> out = new ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\[(-?\\d+),(-?\\d+)]").matcher(utf8(bytes));
        while (m.find()) {
            out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return out;
    }

    @Override
    public void writeMeta(SessionMeta meta) throws IOException {
        persister.write(metaKey(meta), ByteBuffer.wrap(SessionMetaJson.write(meta)));
    }

    /** A session found by a scan: its metadata (once seen) and raw extents (block, stored size). */
    static final class Found {
        SessionMeta meta;
        List<long[]> dropouts = List.of();
        List<long[]> anchors = List.of();
        final List<long[]> extents = new ArrayList<>();
    }

    /**
     * Lists every object, hands chunk objects to {@code chunk} and reads metadata, then turns what was
     * found into index entries with {@code toRuns}.
     */
    List<SessionEntry> scan(Consumer<String> warnings, ScanVisitor visitor) throws IOException {
        Map<String, Found> sessions = new HashMap<>();
        List<Persister.StoredObject> metas = new ArrayList<>();
        // only this device's part of a shared store (the whole store when the template has no {device})
        persister.list(template.devicePrefix(device), o -> {
            if (o.key().startsWith(INTERNAL)) {
                return;
            }
            if (o.key().endsWith(META_NAME)
                    || o.key().endsWith(DROPOUTS_NAME)
                    || o.key().endsWith(CLOCK_NAME)) {
                metas.add(o);
                return;
            }
            visitor.visit(o, sessions, warnings);
        });
        List<Persister.StoredObject> dropoutFiles = new ArrayList<>();
        for (Persister.StoredObject o : metas) {
            if (o.key().endsWith(DROPOUTS_NAME) || o.key().endsWith(CLOCK_NAME)) {
                dropoutFiles.add(o);
                continue;
            }
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
        Map<String, Found> byDropoutKey = new HashMap<>();
        for (Found found : sessions.values()) {
            if (found.meta != null) {
                byDropoutKey.put(dropoutsKey(found.meta), found);
                byDropoutKey.put(clockKey(found.meta), found);
            }
        }
        for (Persister.StoredObject o : dropoutFiles) {
            Found found = byDropoutKey.get(o.key());
            if (found == null) {
                warnings.accept("ignoring " + o.key() + ": no session of this store has it");
                continue;
            }
            if (o.key().endsWith(CLOCK_NAME)) {
                found.anchors = parsePairs(persister.read(o.key()));
            } else {
                found.dropouts = parsePairs(persister.read(o.key()));
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
            SessionEntry entry = new SessionEntry(found.meta, runs);
            for (long[] d : found.dropouts) {
                entry.dropouts().add(d[0], d[1]);
            }
            for (long[] a : found.anchors) {
                entry.anchors().add(a[0], a[1]);
            }
            out.add(entry);
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
