package io.wavestash.storage.index;

/** The levels of a session's annotated chunks, summed up: how many, how many silent, quietest, loudest, mean. */
public final class LevelSummary {
    private long chunks;
    private long silent;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double powerSum;

    public synchronized void add(float dbfs, boolean isSilent) {
        chunks++;
        if (isSilent) {
            silent++;
        }
        min = Math.min(min, dbfs);
        max = Math.max(max, dbfs);
        powerSum += Math.pow(10, dbfs / 10.0);
    }

    /** Chunks with a level. */
    public synchronized long chunks() {
        return chunks;
    }

    public synchronized long silent() {
        return silent;
    }

    public synchronized double minDbfs() {
        return chunks == 0 ? Double.NaN : min;
    }

    public synchronized double maxDbfs() {
        return chunks == 0 ? Double.NaN : max;
    }

    /** The level of the mean power of the chunks (not the mean of their dB values). */
    public synchronized double meanDbfs() {
        return chunks == 0 ? Double.NaN : 10 * Math.log10(powerSum / chunks);
    }
}
