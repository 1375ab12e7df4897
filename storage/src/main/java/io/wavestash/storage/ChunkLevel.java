package io.wavestash.storage;

/**
 * What capture measured of one chunk: its RMS level over all samples and channels in dBFS, and whether that
 * was below the silence threshold in force then.
 */
public record ChunkLevel(float dbfs, boolean silent) {}
