package io.wavestash.playback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wavestash.ingest.dsp.PcmFloats;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.Times;
import io.wavestash.storage.query.Gap;
import io.wavestash.storage.query.OutputFile;
import io.wavestash.storage.query.QueryException;
import io.wavestash.storage.query.Segment;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WavExport;
import io.wavestash.storage.wav.WavHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes several sensors' windows, aligned on one sample grid ({@link AlignedWindow}), as one multichannel WAV
 * (each sensor's channels in turn) or one WAV per sensor, with a sidecar JSON beside them listing each sensor's
 * segments and gaps on the grid. Gaps are silence. Memory stays bounded whatever the window's length: the
 * grid is made and written a block at a time. Files appear whole or not at all.
 */
public final class Exporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BLOCK_FRAMES = 8192;

    /** One WAV with every sensor's channels, or one WAV per sensor. */
    public enum Layout {
        CHANNELS,
        FILES
    }

    /** Told how far the export is, about every second of audio and at the end. */
    public interface Progress {
        void at(long framesDone, long framesTotal);
    }

    /**
     * What was written.
     *
     * @param files the WAV files, in sensor order for {@link Layout#FILES}
     * @param sidecar the JSON describing them
     * @param rate the grid's rate
     * @param frames frames on the grid
     * @param formats each file's sample format
     * @param gaps gaps per sensor, in sensor order
     */
    public record Result(
            List<Path> files, Path sidecar, int rate, long frames, List<SampleFormat> formats, List<List<Gap>> gaps) {}

    private Exporter() {}

    /** The grid rate used when none is asked for: the highest rate among the windows that have samples. */
    public static int defaultRate(List<SensorWindow> windows) {
        return windows.stream()
                .filter(w -> !w.isEmpty())
                .mapToInt(w -> w.format().sampleRateHz())
                .max()
                .orElseThrow(() -> new QueryException("no samples in the window for any of the sensors"));
    }

    /**
     * Exports {@code windows} (one per sensor, the same {@code [from, to)}) on a grid of {@code rate} Hz to
     * {@code out}; with {@link Layout#FILES}, each sensor's file is {@code out} with {@code -SENSOR} before its
     * extension. The sidecar is {@code out} plus {@code .json}.
     */
    public static Result export(List<SensorWindow> windows, int rate, Layout layout, Path out, Progress progress)
            throws IOException {
        if (windows.stream().allMatch(SensorWindow::isEmpty)) {
            SensorWindow w = windows.get(0);
            throw new QueryException("no samples in [" + w.from() + ", " + w.to() + ") for any of the sensors");
        }
        for (SensorWindow w : windows) {
            if (!w.isEmpty()) {
                w.format(); // one format per sensor in the window, or a clear error
            }
        }
        List<Path> files = new ArrayList<>();
        List<SampleFormat> formats = new ArrayList<>();
        if (layout == Layout.CHANNELS) {
            files.add(out);
            formats.add(sharedFormat(windows, rate));
        } else {
            for (SensorWindow w : windows) {
                files.add(WavExport.perSensor(out, w.sensor()));
                formats.add(
                        w.isEmpty()
                                ? SampleFormat.pcm(rate, 16, 1)
                                : own(w.format(), rate, w.format().channels()));
            }
        }
        List<OutputFile> outputs = new ArrayList<>();
        try (AlignedWindow grid = new AlignedWindow(windows, rate)) {
            for (Path file : files) {
                outputs.add(OutputFile.create(file));
            }
            write(grid, formats, outputs, progress);
            Path sidecar = Path.of(out + ".json");
            OutputFile sidecarOutput = OutputFile.create(sidecar);
            outputs.add(sidecarOutput);
            sidecarOutput.write(JSON.writeValueAsBytes(describe(grid, layout, files, formats)));
            for (OutputFile output : outputs) {
                output.commit();
            }
            return new Result(
                    List.copyOf(files),
                    sidecar,
                    rate,
                    grid.frames(),
                    List.copyOf(formats),
                    windows.stream().map(w -> gapsOf(w, grid.frames())).toList());
        } finally {
            for (OutputFile output : outputs) {
                output.close();
            }
        }
    }

    /** The sensors' common encoding and depth at {@code rate}, or 32-bit float when they differ. */
    static SampleFormat sharedFormat(List<SensorWindow> windows, int rate) {
        int channels = windows.stream()
                .mapToInt(w -> w.isEmpty() ? 1 : w.format().channels())
                .sum();
        List<SampleFormat> formats = windows.stream()
                .filter(w -> !w.isEmpty())
                .map(SensorWindow::format)
                .toList();
        SampleFormat first = formats.get(0);
        boolean same = formats.stream()
                .allMatch(f -> f.encoding() == first.encoding() && f.bitsPerSample() == first.bitsPerSample());
        if (!same) {
            return new SampleFormat(rate, 32, channels, SampleFormat.Encoding.FLOAT, SampleFormat.Endian.LITTLE);
        }
        return own(first, rate, channels);
    }

    /** A sensor's encoding and depth, as a WAV holds them, at another rate and channel count. */
    private static SampleFormat own(SampleFormat f, int rate, int channels) {
        return new SampleFormat(rate, f.bitsPerSample(), channels, f.encoding(), f.byteOrder()).wavNative();
    }

    private static void write(
            AlignedWindow grid, List<SampleFormat> formats, List<OutputFile> outputs, Progress progress)
            throws IOException {
        int channels = grid.channels();
        float[][] block = new float[channels][BLOCK_FRAMES];
        List<FileChannel> outs = new ArrayList<>();
        List<PcmFloats> encoders = new ArrayList<>();
        List<float[]> interleaved = new ArrayList<>();
        List<ByteBuffer> buffers = new ArrayList<>();
        int[] firstChannel = new int[formats.size()];
        try {
            int next = 0;
            for (int i = 0; i < formats.size(); i++) {
                SampleFormat f = formats.get(i);
                FileChannel out = outputs.get(i).open();
                outs.add(out);
                long dataBytes = grid.frames() * f.frameBytes();
                ByteBuffer header = WavHeader.write(f, dataBytes);
                while (header.hasRemaining()) {
                    out.write(header);
                }
                encoders.add(new PcmFloats(f));
                interleaved.add(new float[BLOCK_FRAMES * f.channels()]);
                buffers.add(ByteBuffer.allocate(BLOCK_FRAMES * f.frameBytes()));
                firstChannel[i] = next;
                next += f.channels();
            }
            long reportEvery = grid.rate();
            long nextReport = reportEvery;
            int n;
            while ((n = grid.read(block, BLOCK_FRAMES)) > 0) {
                for (int i = 0; i < formats.size(); i++) {
                    SampleFormat f = formats.get(i);
                    float[] samples = interleaved.get(i);
                    int fc = f.channels();
                    for (int frame = 0, at = 0; frame < n; frame++) {
                        for (int c = 0; c < fc; c++) {
                            samples[at++] = block[firstChannel[i] + c][frame];
                        }
                    }
                    ByteBuffer bytes = buffers.get(i).clear();
                    encoders.get(i).encode(samples, n * fc, bytes.array());
                    bytes.limit(n * f.frameBytes());
                    while (bytes.hasRemaining()) {
                        outs.get(i).write(bytes);
                    }
                }
                if (grid.position() >= nextReport) {
                    progress.at(grid.position(), grid.frames());
                    nextReport = grid.position() + reportEvery;
                }
            }
            for (int i = 0; i < formats.size(); i++) {
                if ((grid.frames() * formats.get(i).frameBytes() & 1) == 1) {
                    outs.get(i).write(ByteBuffer.wrap(new byte[1]));
                }
                outputs.get(i).force(outs.get(i));
            }
            progress.at(grid.position(), grid.frames());
        } finally {
            for (FileChannel out : outs) {
                out.close();
            }
        }
    }

    /** A sensor's gaps; a sensor with nothing in the window is one gap over all of it. */
    private static List<Gap> gapsOf(SensorWindow w, long gridFrames) {
        if (w.isEmpty()) {
            return List.of(new Gap(w.from(), w.to(), gridFrames, Gap.Reason.NOT_RECORDED));
        }
        return w.gaps();
    }

    private static ObjectNode describe(
            AlignedWindow grid, Layout layout, List<Path> files, List<SampleFormat> formats) {
        ObjectNode root = JSON.createObjectNode();
        List<SensorWindow> windows = grid.windows();
        root.put("from", windows.get(0).from().toString());
        root.put("to", windows.get(0).to().toString());
        root.put("rateHz", grid.rate());
        root.put("frames", grid.frames());
        root.put("layout", layout.name().toLowerCase());
        ArrayNode sensors = root.putArray("sensors");
        int channel = 0;
        for (int i = 0; i < windows.size(); i++) {
            SensorWindow w = windows.get(i);
            ObjectNode s = sensors.addObject();
            s.put("sensor", w.sensor().value());
            int channels = grid.sensorChannels()[i];
            if (layout == Layout.CHANNELS) {
                s.put("file", files.get(0).getFileName().toString());
                ArrayNode list = s.putArray("channels");
                for (int c = 0; c < channels; c++) {
                    list.add(channel + c);
                }
                channel += channels;
            } else {
                s.put("file", files.get(i).getFileName().toString());
            }
            s.set("format", JSON.valueToTree(formats.get(layout == Layout.CHANNELS ? 0 : i)));
            if (!w.isEmpty()) {
                s.set("recorded", JSON.valueToTree(w.format()));
            }
            ArrayNode segments = s.putArray("segments");
            for (Segment seg : w.segments()) {
                ObjectNode n = segments.addObject();
                n.put("start", seg.start().toString());
                n.put("end", seg.end().toString());
                n.put("session", Times.ofEpochMicros(seg.sessionEpochMicros()).toString());
                n.put("firstFrame", grid.frameAt(seg.start()));
                n.put("endFrame", grid.frameAt(seg.end()));
            }
            ArrayNode gaps = s.putArray("gaps");
            for (Gap g : gapsOf(w, grid.frames())) {
                ObjectNode n = gaps.addObject();
                n.put("start", g.start().toString());
                n.put("end", g.end().toString());
                n.put("firstFrame", Math.max(0, grid.frameAt(g.start())));
                n.put("endFrame", Math.min(grid.frames(), grid.frameAt(g.end())));
                n.put("reason", g.reason().name().toLowerCase().replace('_', ' '));
            }
        }
        return root;
    }
}
