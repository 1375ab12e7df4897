package io.wavestash.config;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One sensor of the ingest daemon.
 *
 * @param id sensor id
 * @param source what it records from
 * @param file WAV file (source wav)
 * @param loop start the file again at its end (source wav)
 * @param realTime pace chunks by the clock; false reads as fast as the ring takes them
 * @param start session start for a file source, or null for the moment capture starts
 * @param chunkMs chunk length in milliseconds
 * @param backpressure what to do when the ring is full
 * @param sampleRateHz rate of a tone or microphone
 * @param bits sample size of a tone or microphone
 * @param channels channels of a tone or microphone
 * @param frequencyHz frequency of a tone
 * @param device mixer name of a microphone, or null for the default
 */
public record SensorConfig(
        String id,
        SourceKind source,
        Path file,
        boolean loop,
        boolean realTime,
        Instant start,
        int chunkMs,
        Backpressure backpressure,
        int sampleRateHz,
        int bits,
        int channels,
        double frequencyHz,
        String device) {}
