package io.wavestash.storage.index;

import java.util.ArrayList;
import java.util.List;

/** A session's timing anchors: {frame, wall minus nominal in nanoseconds}, by increasing frame. */
public final class ClockAnchors {
    private final List<long[]> anchors = new ArrayList<>();

    /** Adds an anchor after the last one; returns false (and keeps nothing) for one at or before it. */
    public synchronized boolean add(long frame, long offsetNanos) {
        if (frame <= 0 || (!anchors.isEmpty() && frame <= anchors.get(anchors.size() - 1)[0])) {
            return false;
        }
        anchors.add(new long[] {frame, offsetNanos});
        return true;
    }

    public synchronized List<long[]> all() {
        List<long[]> copy = new ArrayList<>(anchors.size());
        anchors.forEach(a -> copy.add(a.clone()));
        return copy;
    }

    public synchronized boolean isEmpty() {
        return anchors.isEmpty();
    }
}
