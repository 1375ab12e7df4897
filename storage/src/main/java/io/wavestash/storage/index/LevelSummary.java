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

    /** Adds a summary of other chunks (as written by {@link #write}). */
    public synchronized void merge(long otherChunks, long otherSilent, double otherMin, double otherMax, double power) {
        chunks += otherChunks;
        silent += otherSilent;
        min = Math.min(min, otherMin);
        max = Math.max(max, otherMax);
        powerSum += power;
    }

    /** Hands the summary, as {@link #merge} takes it, to {@code out}. */
    public synchronized void write(java.nio.ByteBuffer out) {
        out.putLong(chunks).putLong(silent).putDouble(min).putDouble(max).putDouble(powerSum);
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
