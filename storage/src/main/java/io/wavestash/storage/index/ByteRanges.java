package io.wavestash.storage.index;

import java.util.ArrayList;
import java.util.List;

/** Sorted, merged half-open byte ranges {@code [from, to)} (the dropouts of a session). */
public final class ByteRanges {
    private final List<long[]> ranges = new ArrayList<>();

    /** Adds a range, merging it with the ranges it touches; returns false if it was already covered. */
    public synchronized boolean add(long from, long to) {
        if (from >= to) {
            throw new IllegalArgumentException("empty range " + from + ".." + to);
        }
        if (overlaps(from, to) && covered(from, to)) {
            return false;
        }
        long a = from;
        long b = to;
        List<long[]> kept = new ArrayList<>();
        for (long[] r : ranges) {
            if (r[1] < a || r[0] > b) {
                kept.add(r);
            } else {
                a = Math.min(a, r[0]);
                b = Math.max(b, r[1]);
            }
        }
        kept.add(new long[] {a, b});
        kept.sort((x, y) -> Long.compare(x[0], y[0]));
        ranges.clear();
        ranges.addAll(kept);
        return true;
    }

    /** True when some range intersects {@code [from, to)}. */
    public synchronized boolean overlaps(long from, long to) {
        for (long[] r : ranges) {
            if (r[0] < to && r[1] > from) {
                return true;
            }
        }
        return false;
    }

    private boolean covered(long from, long to) {
        for (long[] r : ranges) {
            if (r[0] <= from && r[1] >= to) {
                return true;
            }
        }
        return false;
    }

    public synchronized List<long[]> all() {
        List<long[]> copy = new ArrayList<>();
        for (long[] r : ranges) {
            copy.add(r.clone());
        }
        return copy;
    }

    public synchronized boolean isEmpty() {
        return ranges.isEmpty();
    }
}
