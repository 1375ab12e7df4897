package io.wavestash.playback;

import be.tarsos.dsp.resample.Resampler;
import io.wavestash.ingest.audio.AudioDeviceException;
import io.wavestash.ingest.audio.AudioDevices;
import io.wavestash.ingest.dsp.PcmFloats;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.query.SensorWindow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;

/**
 * Replays a query window on a javax.sound {@link SourceDataLine}. Gaps are silence of their exact length (or
 * left out), so the device side is continuous across gaps and session boundaries. When the device takes the
 * stored format and nothing is to change, the stored bytes go to the line as they are; otherwise the samples
 * are converted: to floats, gain, channels mapped, resampled with TarsosDSP (for another rate, or a speed),
 * and encoded in the format the device takes.
 */
public final class Player {
    /** Frames handed to the line at a time. */
    private static final int BLOCK_FRAMES = 4096;

    /**
     * How to play.
     *
     * @param gainDb gain in dB (0: none; samples are clipped at full scale)
     * @param speed playback rate: 2 plays twice as fast (and an octave up), as a tape would
     * @param skipGaps leave gaps out instead of playing their silence
     */
    public record Options(double gainDb, double speed, boolean skipGaps) {
        public Options {
            if (!(speed >= 0.0625 && speed <= 16)) {
                throw new IllegalArgumentException("speed must be from 0.0625 to 16, was " + speed);
            }
            if (!(gainDb >= -120 && gainDb <= 60)) {
                throw new IllegalArgumentException("gain must be from -120 to 60 dB, was " + gainDb);
            }
        }

        public static Options plain() {
            return new Options(0, 1, false);
        }

        boolean changesSamples() {
            return gainDb != 0 || speed != 1;
        }
    }

    /** Told where playback is, about every half second of audio and at the end. */
    public interface Progress {
        void at(long framesPlayed, long framesTotal);
    }

    /**
     * What was chosen for a window on a device.
     *
     * @param stored the window's sample format
     * @param line the format the line is opened with
     * @param converted whether samples are converted (else the stored bytes are played as they are)
     */
    public record Plan(SampleFormat stored, SampleFormat line, boolean converted) {
        /** For people: what is played, and how it is converted if it is. */
        public String describe() {
            return converted
                    ? "converting " + stored.describe() + " to " + line.describe()
                    : "playing " + stored.describe() + " as stored";
        }
    }

    private final Mixer mixer;
    private final Options options;

    /** A player on the mixer named {@code device} (as {@link AudioDevices#find}; null: the default). */
    public Player(String device, Options options) {
        this.mixer = AudioDevices.find(device, AudioDevices.Direction.PLAYBACK);
        this.options = options;
    }

    public String deviceName() {
        return mixer.getMixerInfo().getName();
    }

    /** The format the line would be opened with for a window's format, and whether samples are converted. */
    public Plan plan(SampleFormat stored) {
        if (!options.changesSamples() && takes(stored)) {
            return new Plan(stored, stored, false);
        }
        for (SampleFormat candidate : conversions(stored)) {
            if (takes(candidate)) {
                return new Plan(stored, candidate, true);
            }
        }
        throw new AudioDeviceException("device '" + deviceName() + "' cannot play " + stored.describe()
                + " and takes none of the formats it could be converted to; it supports: "
                + String.join("; ", AudioDevices.formats(mixer, AudioDevices.Direction.PLAYBACK)));
    }

    /** Plays the window to its end, or until {@code stop} says so; returns the frames handed to the line. */
    public long play(SensorWindow window, Progress progress, BooleanSupplier stop) throws LineUnavailableException {
        SensorWindow.Stream stream = options.skipGaps() ? window.samples() : window.filled();
        Plan plan = plan(stream.format());
        SourceDataLine line = (SourceDataLine)
                mixer.getLine(new DataLine.Info(SourceDataLine.class, AudioDevices.toJava(plan.line())));
        SampleFormat out = plan.line();
        line.open(AudioDevices.toJava(out), Math.max(out.sampleRateHz() / 4, BLOCK_FRAMES) * out.frameBytes());
        try (stream) {
            line.start();
            long total = stream.frames();
            Converter converter = plan.converted() ? new Converter(plan.stored(), out, options) : null;
            byte[] block = new byte[BLOCK_FRAMES * plan.stored().frameBytes()];
            long played = 0;
            long reportEvery = Math.max(1, plan.stored().sampleRateHz() / 2);
            long nextReport = reportEvery;
            while (!stop.getAsBoolean()) {
                int n = readBlock(stream, block);
                if (n <= 0) {
                    break;
                }
                if (converter == null) {
                    line.write(block, 0, n);
                } else {
                    converter.convert(block, n, false, (bytes, length) -> line.write(bytes, 0, length));
                }
                played += n / plan.stored().frameBytes();
                if (played >= nextReport) {
                    progress.at(played, total);
                    nextReport = played + reportEvery;
                }
            }
            if (converter != null && !stop.getAsBoolean()) {
                converter.convert(block, 0, true, (bytes, length) -> line.write(bytes, 0, length));
            }
            if (stop.getAsBoolean()) {
                line.stop();
                line.flush();
            } else {
                line.drain();
            }
            progress.at(played, total);
            return played;
        } finally {
            line.close();
        }
    }

    private static int readBlock(SensorWindow.Stream stream, byte[] block) {
        ByteBuffer dst = ByteBuffer.wrap(block);
        while (dst.hasRemaining()) {
            if (stream.read(dst) < 0) {
                break;
            }
        }
        return dst.position();
    }

    private boolean takes(SampleFormat f) {
        return mixer.isLineSupported(new DataLine.Info(SourceDataLine.class, AudioDevices.toJava(f)));
    }

    /**
     * Formats a window could be converted to, best first: its own rate and channels in 32, 24 and 16-bit
     * signed PCM, then 16-bit at 48 and 44.1 kHz in its own channels, stereo and mono.
     */
    static List<SampleFormat> conversions(SampleFormat stored) {
        List<SampleFormat> out = new ArrayList<>();
        int rate = stored.sampleRateHz();
        int channels = stored.channels();
        if (stored.encoding() != SampleFormat.Encoding.SIGNED || stored.bitsPerSample() > 8) {
            out.add(stored);
        }
        for (int bits : new int[] {32, 24, 16}) {
            out.add(SampleFormat.pcm(rate, bits, channels));
        }
        for (int r : new int[] {48_000, 44_100}) {
            for (int c : new int[] {channels, 2, 1}) {
                out.add(SampleFormat.pcm(r, 16, c));
            }
        }
        out.removeIf(f -> f.encoding() == SampleFormat.Encoding.UNSIGNED);
        return out.stream().distinct().toList();
    }

    /** Stored PCM to the line's: floats, gain, channel map, resampling (rate and speed), encoding. */
    static final class Converter {
        interface Sink {
            void write(byte[] bytes, int length);
        }

        private final SampleFormat in;
        private final SampleFormat out;
        private final PcmFloats decode;
        private final PcmFloats encode;
        private final float gain;
        private final double factor;
        private final Resampler[] resamplers;
        private float[] interleaved = new float[0];
        private float[][] channels;
        private float[][] resampled;
        private float[] outInterleaved = new float[0];
        private byte[] outBytes = new byte[0];

        Converter(SampleFormat in, SampleFormat out, Options options) {
            this.in = in;
            this.out = out;
            this.decode = new PcmFloats(in);
            this.encode = new PcmFloats(out);
            this.gain = (float) Math.pow(10, options.gainDb() / 20);
            this.factor = out.sampleRateHz() / (in.sampleRateHz() * options.speed());
            this.resamplers = new Resampler[out.channels()];
            if (factor != 1) {
                for (int c = 0; c < resamplers.length; c++) {
                    resamplers[c] = new Resampler(true, factor, factor);
                }
            }
        }

        void convert(byte[] bytes, int length, boolean last, Sink sink) {
            int frames = length / in.frameBytes();
            int samples = frames * in.channels();
            if (interleaved.length < samples) {
                interleaved = new float[samples];
            }
            if (frames > 0) {
                decode.decode(bytes, 0, interleaved, samples);
            }
            if (channels == null || channels[0].length < frames) {
                channels = new float[out.channels()][Math.max(frames, 1)];
            }
            mapChannels(frames);
            float[][] result = channels;
            int outFrames = frames;
            if (factor != 1) {
                int capacity = (int) Math.ceil(frames * factor) + 8192;
                if (resampled == null || resampled[0].length < capacity) {
                    resampled = new float[out.channels()][capacity];
                }
                outFrames = Integer.MAX_VALUE;
                for (int c = 0; c < resamplers.length; c++) {
                    int consumed = 0;
                    int generated = 0;
                    while (generated < capacity) {
                        Resampler.Result r = resamplers[c].process(
                                factor,
                                channels[c],
                                consumed,
                                frames - consumed,
                                last,
                                resampled[c],
                                generated,
                                capacity - generated);
                        consumed += r.inputSamplesConsumed;
                        generated += r.outputSamplesGenerated;
                        if (r.inputSamplesConsumed == 0 && r.outputSamplesGenerated == 0
                                || consumed >= frames && !last) {
                            break;
                        }
                    }
                    outFrames = Math.min(outFrames, generated);
                }
                result = resampled;
            }
            if (outFrames <= 0) {
                return;
            }
            int outSamples = outFrames * out.channels();
            if (outInterleaved.length < outSamples) {
                outInterleaved = new float[outSamples];
                outBytes = new byte[outSamples * out.bytesPerSample()];
            }
            for (int f = 0, at = 0; f < outFrames; f++) {
                for (int c = 0; c < out.channels(); c++) {
                    outInterleaved[at++] = result[c][f] * gain;
                }
            }
            encode.encode(outInterleaved, outSamples, outBytes);
            sink.write(outBytes, outSamples * out.bytesPerSample());
        }

        /** Same channels: as they are; more: repeated in turn; fewer: each output the mean of its inputs. */
        private void mapChannels(int frames) {
            int ic = in.channels();
            int oc = out.channels();
            for (int c = 0; c < oc; c++) {
                float[] dst = channels[c];
                if (oc >= ic) {
                    int src = c % ic;
                    for (int f = 0; f < frames; f++) {
                        dst[f] = interleaved[f * ic + src];
                    }
                } else {
                    int count = 0;
                    java.util.Arrays.fill(dst, 0, frames, 0f);
                    for (int src = c; src < ic; src += oc) {
                        count++;
                        for (int f = 0; f < frames; f++) {
                            dst[f] += interleaved[f * ic + src];
                        }
                    }
                    for (int f = 0; f < frames; f++) {
                        dst[f] /= count;
                    }
                }
            }
        }
    }
}
