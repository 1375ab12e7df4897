package io.wavestash.storage.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The chunks present in one session, as sorted, non-overlapping runs of equal-length chunks laid end to
 * end. A recording written in order is one run however long it is; lookups are binary searches.
 */
public final class ChunkRuns {
    private long[] start = new long[4];
    private int[] length = new int[4];
    private long[] count = new long[4];
    private int size;

    /** A chunk: its byte offset in the session and its length. */
    public record Chunk(long block, int length) {
        public long end() {
            return block + length;
        }
    }

    /** Result of {@link #add}. */
    public enum Added {
        NEW,
        ALREADY_PRESENT
    }

    /**
     * Records a chunk. An identical chunk already present is not an error (writes are idempotent); a chunk
     * that overlaps a different one is.
     */
    public synchronized Added add(long block, int chunkLength) {
        return addRun(block, chunkLength, 1);
    }

    /** A run of {@code count} chunks of {@code length} bytes laid end to end from byte {@code block}. */
    public record Run(long block, int length, long count) {}

    /**
     * Records a run of chunks at once (as {@link #add} of each would, without going through them one by one):
     * a run already present is not an error, one that overlaps different chunks is.
     */
    public synchronized Added addRun(long block, int chunkLength, long n) {
        if (chunkLength <= 0) {
            throw new IllegalArgumentException("chunk length must be positive, was " + chunkLength);
        }
        if (n <= 0) {
            throw new IllegalArgumentException("a run needs a positive chunk count, was " + n);
        }
        long endByte = block + chunkLength * n;
        int i = runAtOrBefore(block);
        if (i >= 0 && block < end(i)) {
            if (length[i] == chunkLength && (block - start[i]) % chunkLength == 0 && endByte <= end(i)) {
                return Added.ALREADY_PRESENT;
            }
            throw overlap(block, chunkLength, chunkContaining(i, block));
        }
        if (i + 1 < size && start[i + 1] < endByte) {
            throw overlap(block, chunkLength, new Chunk(start[i + 1], length[i + 1]));
        }
        if (i >= 0 && length[i] == chunkLength && end(i) == block) {
            count[i] += n;
            mergeWithNext(i);
            return Added.NEW;
        }
        if (i + 1 < size && length[i + 1] == chunkLength && start[i + 1] == endByte) {
            start[i + 1] = block;
            count[i + 1] += n;
            return Added.NEW;
        }
        insert(i + 1, block, chunkLength);
        count[i + 1] = n;
        return Added.NEW;
    }

    /** The runs, in order. */
    public synchronized List<Run> runs() {
        List<Run> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Run(start[i], length[i], count[i]));
        }
        return out;
    }

    /** The chunk holding byte {@code offset}, or null if none does. */
    public synchronized Chunk chunkAt(long offset) {
        int i = runAtOrBefore(offset);
        if (i < 0 || offset >= end(i)) {
            return null;
        }
        return chunkContaining(i, offset);
    }

    /**
     * The first present byte range that intersects {@code [from, to)}, clipped to it (not merged with the ranges
     * after it), or null when none does.
     */
    public synchronized long[] firstPresent(long from, long to) {
        for (int i = Math.max(0, runAtOrBefore(from)); i < size && start[i] < to; i++) {
            long a = Math.max(from, start[i]);
            long b = Math.min(to, end(i));
            if (a < b) {
                return new long[] {a, b};
            }
        }
        return null;
    }

    /** The present byte ranges that intersect {@code [from, to)}, clipped to it and merged where adjacent. */
    public synchronized List<long[]> presentRanges(long from, long to) {
        List<long[]> out = new ArrayList<>();
        int i = Math.max(0, runAtOrBefore(from));
        for (; i < size && start[i] < to; i++) {
            long a = Math.max(from, start[i]);
            long b = Math.min(to, end(i));
            if (a >= b) {
                continue;
            }
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last[1] == a) {
                last[1] = b;
            } else {
                out.add(new long[] {a, b});
            }
        }
        return out;
    }

    /** Every chunk, in order (for copying and rebuilding; lazily enumerated per run). */
    public synchronized List<Chunk> chunks() {
        List<Chunk> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            for (long k = 0; k < count[i]; k++) {
                out.add(new Chunk(start[i] + k * length[i], length[i]));
            }
        }
        return out;
    }

    /** The chunks that start in {@code [from, to)}, in order. */
    public synchronized List<Chunk> chunksStartingIn(long from, long to) {
        List<Chunk> out = new ArrayList<>();
        for (int i = Math.max(0, runAtOrBefore(from)); i < size && start[i] < to; i++) {
            long k = Math.max(0, (from - start[i] + length[i] - 1) / length[i]);
            for (; k < count[i] && start[i] + k * length[i] < to; k++) {
                out.add(new Chunk(start[i] + k * length[i], length[i]));
            }
        }
        return out;
    }

    /** How many chunks are present. */
    public synchronized long chunkCount() {
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += count[i];
        }
        return total;
    }

    /** Total bytes present. */
    public synchronized long presentBytes() {
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += length[i] * count[i];
        }
        return total;
    }

    /** One past the last byte present, or 0 when empty. */
    public synchronized long endByte() {
        return size == 0 ? 0 : end(size - 1);
    }

    public synchronized int runCount() {
        return size;
    }

    private long end(int i) {
        return start[i] + length[i] * count[i];
    }

    private Chunk chunkContaining(int i, long offset) {
        long k = (offset - start[i]) / length[i];
        return new Chunk(start[i] + k * length[i], length[i]);
    }

    /** Index of the last run starting at or before {@code offset}, or -1. */
    private int runAtOrBefore(long offset) {
        int i = Arrays.binarySearch(start, 0, size, offset);
        return i >= 0 ? i : -i - 2;
    }

    private void mergeWithNext(int i) {
        if (i + 1 < size && length[i + 1] == length[i] && start[i + 1] == end(i)) {
            count[i] += count[i + 1];
            remove(i + 1);
        }
    }

    private void insert(int at, long block, int chunkLength) {
        if (size == start.length) {
            start = Arrays.copyOf(start, size * 2);
            length = Arrays.copyOf(length, size * 2);
            count = Arrays.copyOf(count, size * 2);
        }
        System.arraycopy(start, at, start, at + 1, size - at);
        System.arraycopy(length, at, length, at + 1, size - at);
        System.arraycopy(count, at, count, at + 1, size - at);
        start[at] = block;
        length[at] = chunkLength;
        count[at] = 1;
        size++;
    }

    private void remove(int at) {
        System.arraycopy(start, at + 1, start, at, size - at - 1);
        System.arraycopy(length, at + 1, length, at, size - at - 1);
        System.arraycopy(count, at + 1, count, at, size - at - 1);
        size--;
    }

    private static IllegalArgumentException overlap(long block, int chunkLength, Chunk existing) {
        return new IllegalArgumentException(
                "chunk at byte " + block + " (" + chunkLength + " bytes) overlaps the stored chunk at byte "
                        + existing.block() + " (" + existing.length() + " bytes)");
    }
}
