package io.wavestash.storage.layout;

import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.StoreException;
import io.wavestash.storage.codec.ValueCodec;
import io.wavestash.storage.index.ChunkRuns;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.key.ChunkKey;
import io.wavestash.storage.key.KeyTemplate;
import io.wavestash.storage.persist.Persister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** One object per chunk, named by the template (the talk's layout; easy to sync to object storage). */
public final class ChunkPerKeyLayout extends Layouts {
    /** A part of a read shorter than this many chunks is not worth its own thread. */
    private static final int PARALLEL_CHUNKS = 8;

    private final ValueCodec codec;

    public ChunkPerKeyLayout(Persister persister, KeyTemplate template, ValueCodec codec, String device) {
        super(persister, template, device);
        this.codec = codec;
    }

    @Override
    public void writeChunk(SessionMeta meta, long block, ByteBuffer pcm) throws IOException {
        persister.write(template.format(key(meta, block)), codec.encode(meta.format(), pcm));
    }

    /**
     * Reads that span many chunks are split at chunk boundaries into parts read side by side (as many as the
     * persister finds worth having in flight), each into its own slice of {@code dst}: the opens of thousands of
     * small objects overlap instead of queueing.
     */
    @Override
    public void read(SessionEntry session, long byteFrom, ByteBuffer dst) throws IOException {
        ChunkRuns.Chunk first = session.runs().chunkAt(byteFrom);
        if (first == null) {
            readInOrder(session, byteFrom, dst); // which says what is missing
            return;
        }
        ParallelReads.read(
                byteFrom,
                dst,
                persister.readConcurrency(),
                PARALLEL_CHUNKS * (long) first.length(),
                cut -> {
                    ChunkRuns.Chunk holding = session.runs().chunkAt(cut - 1);
                    return holding == null ? cut : holding.end();
                },
                (from, part) -> readInOrder(session, from, part));
    }

    private void readInOrder(SessionEntry session, long byteFrom, ByteBuffer dst) throws IOException {
        SessionMeta meta = session.meta();
        int header = codec.headerBytes(meta.format());
        long at = byteFrom;
        while (dst.hasRemaining()) {
            ChunkRuns.Chunk chunk = session.runs().chunkAt(at);
            if (chunk == null) {
                throw new StoreException("byte " + at + " of session " + meta.startEpochMicros() + " of sensor "
                        + meta.sensor() + " is not stored");
            }
            int n = (int) Math.min(dst.remaining(), chunk.end() - at);
            String key = template.format(key(meta, chunk.block()));
            // codecs rearrange whole samples: read whole samples, then hand over the bytes asked for
            int sample = meta.format().bytesPerSample();
            long alignedFrom = at - Math.floorMod(at - chunk.block(), sample);
            long alignedTo = Math.min(chunk.end(), (at + n + sample - 1) / sample * sample);
            boolean aligned = alignedFrom == at && alignedTo == at + n;
            ByteBuffer part =
                    aligned ? dst.slice(dst.position(), n) : ByteBuffer.allocate((int) (alignedTo - alignedFrom));
            int got;
            try {
                got = persister.read(key, header + (alignedFrom - chunk.block()), part);
            } catch (NoSuchFileException e) {
                throw new StoreException(
                        "chunk " + key + " is in the index but missing from storage (run 'wavestash reindex')");
            }
            if (got != part.capacity()) {
                throw new StoreException("chunk " + key + " is shorter than the index says (" + got + " of "
                        + part.capacity() + " bytes at offset " + (alignedFrom - chunk.block()) + ")");
            }
            codec.decode(meta.format(), part.flip());
            if (!aligned) {
                dst.put(part.position((int) (at - alignedFrom)).limit((int) (at - alignedFrom) + n));
            } else {
                dst.position(dst.position() + n);
            }
            at += n;
        }
    }

    @Override
    public void deleteSession(SessionEntry session) throws IOException {
        for (ChunkRuns.Chunk chunk : session.runs().chunks()) {
            persister.delete(template.format(key(session.meta(), chunk.block())));
        }
        persister.delete(dropoutsKey(session.meta()));
        persister.delete(clockKey(session.meta()));
        persister.delete(metaKey(session.meta()));
    }

    @Override
    public List<SessionEntry> scan(Consumer<String> warnings, boolean repair) throws IOException {
        return scan(warnings, new ScanVisitor() {
            @Override
            public void visit(Persister.StoredObject o, Map<String, Found> sessions, Consumer<String> warn) {
                ChunkKey key = template.tryParse(o.key());
                if (key == null) {
                    warn.accept("ignoring " + o.key() + ": it does not match template '" + template + "'");
                    return;
                }
                if (!Objects.equals(key.device(), device)) {
                    return;
                }
                sessions.computeIfAbsent(sessionId(key), k -> new Found())
                        .extents
                        .add(new long[] {key.block(), o.size()});
            }

            @Override
            public void addTo(SessionMeta meta, ChunkRuns runs, long[] extent, Consumer<String> warn) {
                long length = extent[1] - codec.headerBytes(meta.format());
                String key = template.format(key(meta, extent[0]));
                if (length <= 0
                        || length % meta.format().frameBytes() != 0
                        || extent[0] % meta.format().frameBytes() != 0) {
                    warn.accept("ignoring " + key + ": " + extent[1] + " bytes is not a whole number of frames");
                    return;
                }
                try {
                    runs.add(extent[0], (int) length);
                } catch (IllegalArgumentException e) {
                    warn.accept("ignoring " + key + ": " + e.getMessage());
                }
            }
        });
    }
}
