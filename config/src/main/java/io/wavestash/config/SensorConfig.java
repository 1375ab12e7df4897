package io.wavestash.config;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param limit length of audio to record before the source ends, or null for no limit
 * @param backpressure what to do when the ring is full
 * @param sampleRateHz rate of a tone or microphone
 * @param bits sample size of a tone or microphone
 * @param encoding sample encoding of a tone or microphone
 * @param channels channels of a tone or microphone
 * @param frequencyHz frequency of a tone
 * @param device mixer name of a microphone, or null for the default
 * @param driftPpm a file or tone source in real time runs this many parts per million fast (negative: slow),
 *     as a sound card's clock would
 * @param where where the sensor's {@code device} field is in its config file, for errors about the device
 */
public record SensorConfig(
        String id,
        SourceKind source,
        Path file,
        boolean loop,
        boolean realTime,
        Instant start,
        int chunkMs,
        Duration limit,
        Backpressure backpressure,
        int sampleRateHz,
        int bits,
        SampleEncoding encoding,
        int channels,
        double frequencyHz,
        String device,
        double driftPpm,
        String where) {}
