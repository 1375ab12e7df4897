package io.wavestash.playback;

import be.tarsos.dsp.resample.Resampler;
import io.wavestash.ingest.audio.AudioDeviceException;
import io.wavestash.ingest.audio.AudioDevices;
import io.wavestash.ingest.dsp.PcmFloats;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.query.SensorWindow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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

        /** Told once, when the line is open, how the window is played. */
        default void started(Plan plan) {}
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
    private final SourceDataLine given;
    private final Options options;

    /** A player on the mixer named {@code device} (as {@link AudioDevices#find}; null: the default). */
    public Player(String device, Options options) {
        this.mixer = AudioDevices.find(device, AudioDevices.Direction.PLAYBACK);
        this.given = null;
        this.options = options;
    }

    /**
     * A player on a line the caller got. If the line is open, samples are converted to its format (and it is
     * left open); otherwise it is opened in the stored format, or the best one it takes, and closed at the end.
     */
    public Player(SourceDataLine line, Options options) {
        this.mixer = null;
        this.given = line;
        this.options = options;
    }

    public String deviceName() {
        return mixer != null
                ? mixer.getMixerInfo().getName()
                : given.getLineInfo().toString();
    }

    /** Several sensors on one device: mixed into the same channels, or each on its own output channels. */
    public enum Layout {
        /** Every sensor in the same channels (as many as the sensor with the most), each at 1/N of its level. */
        MIX,
        /** Each sensor's channels in turn on their own output channels. */
        CHANNELS
    }

    /**
     * Plays one window to its end, or until {@code stop} says so; returns the frames handed to the line, counted
     * in the stored rate.
     */
    public long play(SensorWindow window, Progress progress, BooleanSupplier stop) throws LineUnavailableException {
        SensorWindow.Stream stream = options.skipGaps() ? window.samples() : window.filled();
        try (stream) {
            SampleFormat stored = stream.format();
            Opened opened = open(stored);
            SourceDataLine line = opened.line();
            Converter converter = opened.plan().converted()
                    ? new Converter(stored, opened.plan().line(), options)
                    : null;
            byte[] block = new byte[BLOCK_FRAMES * stored.frameBytes()];
            return run(opened, converter, stream.frames(), stored.sampleRateHz(), progress, stop, () -> {
                int n = readBlock(stream, block);
                if (n <= 0) {
                    return -1;
                }
                if (converter == null) {
                    line.write(block, 0, n);
                } else {
                    converter.convert(block, n, false, (bytes, length) -> line.write(bytes, 0, length));
                }
                return n / stored.frameBytes();
            });
        }
    }

    /**
     * Plays several sensors' windows (the same {@code [from, to)}) together, aligned on one sample grid at the
     * highest of their rates ({@link AlignedWindow}): mixed, or each on its own output channels. With
     * {@link Options#skipGaps()}, only the stretches where no sensor has samples are left out. Returns the grid
     * frames handed to the line.
     */
    public long play(List<SensorWindow> windows, Layout layout, Progress progress, BooleanSupplier stop)
            throws LineUnavailableException {
        if (windows.size() == 1) {
            return play(windows.get(0), progress, stop);
        }
        int rate = Exporter.defaultRate(windows);
        try (AlignedWindow grid = new AlignedWindow(windows, rate)) {
            int channels = layout == Layout.CHANNELS
                    ? grid.channels()
                    : windows.stream()
                            .filter(w -> !w.isEmpty())
                            .mapToInt(w -> w.format().channels())
                            .max()
                            .orElse(1);
            SampleFormat shared = Exporter.sharedFormat(windows, rate);
            SampleFormat mixed =
                    new SampleFormat(rate, shared.bitsPerSample(), channels, shared.encoding(), shared.byteOrder());
            int[] sensorChannels = grid.sensorChannels();
            float scale =
                    1f / Math.max(1, windows.stream().filter(w -> !w.isEmpty()).count());
            List<AlignedWindow.Frames> covered = grid.covered();
            long total = options.skipGaps()
                    ? covered.stream().mapToLong(f -> f.end() - f.first()).sum()
                    : grid.frames();
            float[][] block = new float[grid.channels()][BLOCK_FRAMES];
            float[][] out = layout == Layout.CHANNELS ? block : new float[channels][BLOCK_FRAMES];
            float[][] kept = new float[channels][BLOCK_FRAMES];
            int[] range = {0};
            Opened opened = open(mixed, conversions(mixed));
            SourceDataLine line = opened.line();
            Converter converter = new Converter(mixed, opened.plan().line(), options);
            return run(opened, converter, total, rate, progress, stop, () -> {
                long at = grid.position();
                int n = grid.read(block, BLOCK_FRAMES);
                if (n <= 0) {
                    return -1;
                }
                if (layout == Layout.MIX) {
                    mix(windows, sensorChannels, scale, block, out, n);
                }
                float[][] result = out;
                int frames = n;
                if (options.skipGaps()) {
                    frames = keepCovered(covered, range, at, out, n, kept);
                    result = kept;
                }
                if (frames > 0) {
                    converter.convert(result, frames, false, (bytes, length) -> line.write(bytes, 0, length));
                }
                return frames;
            });
        }
    }

    /** Hands the next block to the line. */
    private interface Blocks {
        /** Frames handed to the line (0 is possible), or -1 when there are no more. */
        long next();
    }

    /**
     * Starts the line, hands it blocks until there are no more or {@code stop} says so, reporting progress about
     * every half second of audio at {@code rate}; drains (or, when stopped, flushes) the line and closes it if it
     * is ours. Returns the frames played.
     */
    private static long run(
            Opened opened,
            Converter converter,
            long total,
            int rate,
            Progress progress,
            BooleanSupplier stop,
            Blocks blocks) {
        SourceDataLine line = opened.line();
        progress.started(opened.plan());
        try {
            line.start();
            long played = 0;
            long reportEvery = Math.max(1, rate / 2);
            long nextReport = reportEvery;
            while (!stop.getAsBoolean()) {
                long n = blocks.next();
                if (n < 0) {
                    break;
                }
                played += n;
                if (played >= nextReport) {
                    progress.at(played, total);
                    nextReport = played + reportEvery;
                }
            }
            finish(line, converter, stop);
            progress.at(played, total);
            return played;
        } finally {
            if (opened.owned()) {
                line.close();
            }
        }
    }

    /** Mixes the channels of the sensors with samples from {@code block} into {@code out}, each at {@code scale}. */
    private static void mix(
            List<SensorWindow> windows, int[] sensorChannels, float scale, float[][] block, float[][] out, int n) {
        for (float[] c : out) {
            Arrays.fill(c, 0, n, 0f);
        }
        for (int s = 0, first = 0; s < sensorChannels.length; first += sensorChannels[s], s++) {
            if (!windows.get(s).isEmpty()) {
                mapChannels(block, first, sensorChannels[s], out, out.length, n, scale);
            }
        }
    }

    /**
     * Copies the frames of {@code out} (grid frames {@code [at, at + n)}) that lie in a covered stretch into
     * {@code kept}; returns how many. {@code range} is the first stretch that may still matter, kept between calls.
     */
    private static int keepCovered(
            List<AlignedWindow.Frames> covered, int[] range, long at, float[][] out, int n, float[][] kept) {
        while (range[0] < covered.size() && covered.get(range[0]).end() <= at) {
            range[0]++;
        }
        int frames = 0;
        for (int r = range[0]; r < covered.size() && covered.get(r).first() < at + n; r++) {
            int a = (int) (Math.max(at, covered.get(r).first()) - at);
            int b = (int) (Math.min(at + n, covered.get(r).end()) - at);
            for (int c = 0; c < kept.length; c++) {
                System.arraycopy(out[c], a, kept[c], frames, b - a);
            }
            frames += b - a;
        }
        return frames;
    }

    private static void finish(SourceDataLine line, Converter converter, BooleanSupplier stop) {
        if (converter != null && !stop.getAsBoolean()) {
            converter.flush((bytes, length) -> line.write(bytes, 0, length));
        }
        if (stop.getAsBoolean()) {
            line.stop();
            line.flush();
        } else {
            line.drain();
        }
    }

    /** A line ready to play, and whether it is closed at the end (not a line the caller opened). */
    private record Opened(SourceDataLine line, Plan plan, boolean owned) {}

    /** Opens a line for a window's format: as stored if the device takes it and nothing is to change. */
    private Opened open(SampleFormat stored) throws LineUnavailableException {
        List<SampleFormat> candidates = new ArrayList<>();
        if (!options.changesSamples()) {
            candidates.add(stored);
        }
        candidates.addAll(conversions(stored));
        return open(stored, candidates.stream().distinct().toList());
    }

    /**
     * Opens a line in the first of {@code candidates} the device both lists and then really opens (a device can
     * list a format and refuse it when opened, as an ALSA plugin with fixed channels does).
     */
    private Opened open(SampleFormat stored, List<SampleFormat> candidates) throws LineUnavailableException {
        if (given != null && given.isOpen()) {
            SampleFormat format = AudioDevices.fromJava(given.getFormat());
            boolean asStored = format.equals(stored) && !options.changesSamples();
            return new Opened(given, new Plan(stored, format, !asStored), false);
        }
        LineUnavailableException refused = null;
        for (SampleFormat candidate : candidates) {
            if (!takes(candidate)) {
                continue;
            }
            SourceDataLine line = given != null
                    ? given
                    : (SourceDataLine)
                            mixer.getLine(new DataLine.Info(SourceDataLine.class, AudioDevices.toJava(candidate)));
            try {
                line.open(
                        AudioDevices.toJava(candidate),
                        Math.max(candidate.sampleRateHz() / 4, BLOCK_FRAMES) * candidate.frameBytes());
            } catch (LineUnavailableException | IllegalArgumentException e) {
                refused = e instanceof LineUnavailableException l ? l : new LineUnavailableException(e.getMessage());
                continue;
            }
            boolean asStored = candidate.equals(stored) && !options.changesSamples();
            return new Opened(line, new Plan(stored, candidate, !asStored), true);
        }
        if (refused != null) {
            throw new AudioDeviceException("device '" + deviceName() + "' refused to open a line for "
                    + stored.describe() + " and for every format it could be converted to (" + refused.getMessage()
                    + ")");
        }
        throw cannotPlay(stored);
    }

    private AudioDeviceException cannotPlay(SampleFormat stored) {
        return new AudioDeviceException("device '" + deviceName() + "' cannot play " + stored.describe()
                + " and takes none of the formats it could be converted to; it supports: "
                + (mixer == null
                        ? "the line's formats: " + Arrays.toString(((DataLine.Info) given.getLineInfo()).getFormats())
                        : String.join("; ", AudioDevices.formats(mixer, AudioDevices.Direction.PLAYBACK))));
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
        DataLine.Info info = new DataLine.Info(SourceDataLine.class, AudioDevices.toJava(f));
        if (given != null) {
            return given.getLineInfo() instanceof DataLine.Info lineInfo
                    && lineInfo.isFormatSupported(info.getFormats()[0]);
        }
        return mixer.isLineSupported(info);
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

    /**
     * Spreads {@code count} channels of {@code in} from {@code first} over the {@code outCount} channels of
     * {@code out}, adding {@code scale} times each: the same number of channels as they are; more outputs: the
     * inputs repeated in turn; fewer: each output the mean of the inputs {@code c, c + outCount, ...}.
     */
    static void mapChannels(float[][] in, int first, int count, float[][] out, int outCount, int frames, float scale) {
        for (int c = 0; c < outCount; c++) {
            float[] dst = out[c];
            if (outCount >= count) {
                float[] src = in[first + c % count];
                for (int f = 0; f < frames; f++) {
                    dst[f] += src[f] * scale;
                }
            } else {
                int sources = (count - c + outCount - 1) / outCount;
                float s = scale / sources;
                for (int src = c; src < count; src += outCount) {
                    float[] from = in[first + src];
                    for (int f = 0; f < frames; f++) {
                        dst[f] += from[f] * s;
                    }
                }
            }
        }
    }

    /** Samples to the line's format: floats, gain, channel map, resampling (rate and speed), encoding. */
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
        private float[][] decoded = new float[0][0];
        private float[][] mapped = new float[0][0];
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

        /** Converts {@code length} bytes of samples in the input format. */
        void convert(byte[] bytes, int length, boolean last, Sink sink) {
            int frames = length / in.frameBytes();
            int samples = frames * in.channels();
            if (interleaved.length < samples) {
                interleaved = new float[samples];
            }
            decode.decode(bytes, 0, interleaved, samples);
            if (decoded.length == 0 || decoded[0].length < frames) {
                decoded = new float[in.channels()][frames];
            }
            for (int f = 0, at = 0; f < frames; f++) {
                for (int c = 0; c < in.channels(); c++) {
                    decoded[c][f] = interleaved[at++];
                }
            }
            convert(decoded, frames, last, sink);
        }

        /** Makes what the resamplers still hold at the end of the input. */
        void flush(Sink sink) {
            convert(new float[in.channels()][0], 0, true, sink);
        }

        /** Converts {@code frames} frames of {@code channels} (as many as the input format has). */
        void convert(float[][] channels, int frames, boolean last, Sink sink) {
            float[][] result = channels;
            if (in.channels() != out.channels()) {
                if (mapped.length == 0 || mapped[0].length < frames) {
                    mapped = new float[out.channels()][Math.max(frames, 1)];
                }
                for (float[] c : mapped) {
                    Arrays.fill(c, 0, frames, 0f);
                }
                mapChannels(channels, 0, in.channels(), mapped, out.channels(), frames, 1f);
                result = mapped;
            }
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
                                result[c],
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
    }
}
