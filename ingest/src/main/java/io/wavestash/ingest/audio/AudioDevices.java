package io.wavestash.ingest.audio;

import io.wavestash.storage.SampleFormat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/**
 * The javax.sound mixers of this machine: listing them with what they capture and play, finding one by name,
 * and agreeing on a line format with it.
 */
public final class AudioDevices {

    /** Capture (microphone) or playback (speaker) lines. */
    public enum Direction {
        CAPTURE(TargetDataLine.class, "capture"),
        PLAYBACK(SourceDataLine.class, "playback");

        final Class<? extends DataLine> lineClass;
        final String word;

        Direction(Class<? extends DataLine> lineClass, String word) {
            this.lineClass = lineClass;
            this.word = word;
        }
    }

    /** A mixer and the formats its data lines accept, described for people. */
    public record Device(String name, String description, List<String> captureFormats, List<String> playbackFormats) {}

    /** A mixer chosen for a line, and the format both sides agreed on. */
    public record Negotiated(Mixer mixer, AudioFormat lineFormat, SampleFormat sampleFormat) {}

    private AudioDevices() {}

    public static List<Device> list() {
        List<Device> devices = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer mixer = AudioSystem.getMixer(info);
            List<String> capture = formats(mixer, Direction.CAPTURE);
            List<String> playback = formats(mixer, Direction.PLAYBACK);
            if (!capture.isEmpty() || !playback.isEmpty()) {
                devices.add(new Device(info.getName(), info.getDescription(), capture, playback));
            }
        }
        return devices;
    }

    /**
     * The mixer named {@code name} (exactly, or else the only one whose name contains it, ignoring case) that has
     * lines of the direction; null picks the first such mixer, as the system default does.
     */
    public static Mixer find(String name, Direction direction) {
        List<Mixer> all = new ArrayList<>();
        List<Mixer> candidates = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer mixer = AudioSystem.getMixer(info);
            all.add(mixer);
            if (mixer.isLineSupported(new Line.Info(direction.lineClass))) {
                candidates.add(mixer);
            }
        }
        if (name != null) {
            Mixer named = byName(all, name);
            if (named != null && !candidates.contains(named)) {
                throw new AudioDeviceException("device '" + named.getMixerInfo().getName() + "' offers no "
                        + direction.word + " line in any sample format javax.sound handles (integer PCM), so no"
                        + " format can be converted for it");
            }
        }
        if (candidates.isEmpty()) {
            throw new AudioDeviceException("this machine has no audio " + direction.word + " device"
                    + " (javax.sound lists none; on Linux an ALSA 'default' device must exist)");
        }
        if (name == null) {
            return candidates.get(0);
        }
        Mixer named = byName(candidates, name);
        if (named != null) {
            return named;
        }
        long partial = candidates.stream().filter(m -> contains(m, name)).count();
        List<String> names = candidates.stream()
                .map(m -> "'" + m.getMixerInfo().getName() + "'")
                .toList();
        throw new AudioDeviceException((partial == 0 ? "no " : "more than one ") + direction.word + " device matches '"
                + name + "'; " + direction.word + " devices: " + String.join(", ", names));
    }

    /** The mixer named exactly {@code name}, else the only one whose name contains it; null if none is. */
    private static Mixer byName(List<Mixer> mixers, String name) {
        for (Mixer m : mixers) {
            if (m.getMixerInfo().getName().equals(name)) {
                return m;
            }
        }
        List<Mixer> partial = mixers.stream().filter(m -> contains(m, name)).toList();
        return partial.size() == 1 ? partial.get(0) : null;
    }

    private static boolean contains(Mixer m, String name) {
        return m.getMixerInfo().getName().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Agrees on a line format: the wanted one if the mixer takes it, else the same rate, size and channels in the
     * other byte order or signedness (stored as captured, so nothing is converted); otherwise an error that lists
     * what the device supports.
     */
    public static Negotiated negotiate(Mixer mixer, Direction direction, SampleFormat wanted) {
        for (SampleFormat candidate : candidates(wanted)) {
            AudioFormat format = toJava(candidate);
            if (mixer.isLineSupported(new DataLine.Info(direction.lineClass, format))) {
                return new Negotiated(mixer, format, candidate);
            }
        }
        throw new AudioDeviceException("device '" + mixer.getMixerInfo().getName() + "' cannot " + direction.word + " "
                + describe(wanted) + "; it supports: " + String.join("; ", formats(mixer, direction)));
    }

    private static List<SampleFormat> candidates(SampleFormat wanted) {
        Set<SampleFormat> out = new LinkedHashSet<>();
        out.add(wanted);
        SampleFormat.Endian other =
                wanted.byteOrder() == SampleFormat.Endian.LITTLE ? SampleFormat.Endian.BIG : SampleFormat.Endian.LITTLE;
        if (wanted.bitsPerSample() > 8) {
            out.add(new SampleFormat(
                    wanted.sampleRateHz(), wanted.bitsPerSample(), wanted.channels(), wanted.encoding(), other));
        } else if (wanted.encoding() != SampleFormat.Encoding.FLOAT) {
            SampleFormat.Encoding flipped = wanted.encoding() == SampleFormat.Encoding.SIGNED
                    ? SampleFormat.Encoding.UNSIGNED
                    : SampleFormat.Encoding.SIGNED;
            out.add(new SampleFormat(wanted.sampleRateHz(), 8, wanted.channels(), flipped, wanted.byteOrder()));
        }
        return List.copyOf(out);
    }

    public static AudioFormat toJava(SampleFormat f) {
        AudioFormat.Encoding encoding =
                switch (f.encoding()) {
                    case SIGNED -> AudioFormat.Encoding.PCM_SIGNED;
                    case UNSIGNED -> AudioFormat.Encoding.PCM_UNSIGNED;
                    case FLOAT -> AudioFormat.Encoding.PCM_FLOAT;
                };
        return new AudioFormat(
                encoding,
                f.sampleRateHz(),
                f.bitsPerSample(),
                f.channels(),
                f.frameBytes(),
                f.sampleRateHz(),
                f.byteOrder() == SampleFormat.Endian.BIG);
    }

    /** A line's format as a sample format; an error for formats that are not PCM of a fixed rate and size. */
    public static SampleFormat fromJava(AudioFormat f) {
        SampleFormat.Encoding encoding = encodingOf(f);
        if (encoding == null) {
            throw new AudioDeviceException("line format " + f + " is not PCM");
        }
        float rate = f.getSampleRate();
        int bits = f.getSampleSizeInBits();
        if (rate != Math.rint(rate)
                || rate < 1
                || bits < 1
                || f.getChannels() < 1
                || f.getFrameSize() != f.getChannels() * ((bits + 7) / 8)) {
            throw new AudioDeviceException("line format " + f + " has no fixed whole rate, sample size and channels");
        }
        try {
            return new SampleFormat(
                    (int) rate,
                    bits,
                    f.getChannels(),
                    encoding,
                    f.isBigEndian() ? SampleFormat.Endian.BIG : SampleFormat.Endian.LITTLE);
        } catch (IllegalArgumentException e) {
            throw new AudioDeviceException("line format " + f + ": " + e.getMessage());
        }
    }

    /** The PCM encoding of a javax.sound format, or null for one that is not PCM (a-law, u-law). */
    private static SampleFormat.Encoding encodingOf(AudioFormat f) {
        if (f.getEncoding().equals(AudioFormat.Encoding.PCM_SIGNED)) {
            return SampleFormat.Encoding.SIGNED;
        } else if (f.getEncoding().equals(AudioFormat.Encoding.PCM_UNSIGNED)) {
            return SampleFormat.Encoding.UNSIGNED;
        } else if (f.getEncoding().equals(AudioFormat.Encoding.PCM_FLOAT)) {
            return SampleFormat.Encoding.FLOAT;
        }
        return null;
    }

    /** The formats the mixer's lines of a direction accept, without duplicates, for people. */
    public static List<String> formats(Mixer mixer, Direction direction) {
        Set<String> out = new LinkedHashSet<>();
        for (Line.Info info : direction == Direction.CAPTURE ? mixer.getTargetLineInfo() : mixer.getSourceLineInfo()) {
            if (info instanceof DataLine.Info data && direction.lineClass.isAssignableFrom(data.getLineClass())) {
                for (AudioFormat f : data.getFormats()) {
                    String text = describe(f);
                    if (text != null) {
                        out.add(text);
                    }
                }
            }
        }
        // "any channels" already covers the same format with a channel count
        out.removeIf(text -> !text.endsWith("any channels")
                && out.contains(text.substring(0, text.lastIndexOf(", ")) + ", any channels"));
        return List.copyOf(out);
    }

    static String describe(SampleFormat f) {
        return f.bitsPerSample() + "-bit " + encodingWord(f.encoding()) + endianWord(f.bitsPerSample(), f.byteOrder())
                + ", " + f.sampleRateHz() + " Hz, " + f.channels() + " ch";
    }

    /** One accepted format in words, or null for those javax.sound lists but no line can open. */
    private static String describe(AudioFormat f) {
        SampleFormat.Encoding encoding = encodingOf(f);
        if (encoding == null) {
            return null; // a-law, u-law: not stored as PCM
        }
        int bits = f.getSampleSizeInBits();
        boolean storable = encoding == SampleFormat.Encoding.FLOAT
                ? bits == 32 || bits == 64
                : bits == 8 || bits == 16 || bits == 24 || bits == 32;
        if (!storable) {
            return null; // 18- and 20-bit samples: not a layout the store keeps
        }
        int channels = f.getChannels();
        boolean anyChannels = channels == AudioSystem.NOT_SPECIFIED;
        if (!anyChannels && (channels < 1 || channels > SampleFormat.MAX_CHANNELS)) {
            return null;
        }
        int frameBytes = f.getFrameSize();
        if (!anyChannels && frameBytes != AudioSystem.NOT_SPECIFIED && frameBytes != channels * ((bits + 7) / 8)) {
            return null; // e.g. 24-bit samples padded to 4 bytes: not a layout the store keeps
        }
        float rate = f.getSampleRate();
        String rateText = rate == AudioSystem.NOT_SPECIFIED ? "any rate" : Math.round(rate) + " Hz";
        String channelText = anyChannels ? "any channels" : channels + " ch";
        SampleFormat.Endian endian = f.isBigEndian() ? SampleFormat.Endian.BIG : SampleFormat.Endian.LITTLE;
        return bits + "-bit " + encodingWord(encoding) + endianWord(bits, endian) + ", " + rateText + ", "
                + channelText;
    }

    private static String encodingWord(SampleFormat.Encoding e) {
        return switch (e) {
            case SIGNED -> "signed";
            case UNSIGNED -> "unsigned";
            case FLOAT -> "float";
        };
    }

    private static String endianWord(int bits, SampleFormat.Endian endian) {
        return bits <= 8 ? "" : endian == SampleFormat.Endian.BIG ? " big-endian" : " little-endian";
    }
}
