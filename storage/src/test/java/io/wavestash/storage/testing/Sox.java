package io.wavestash.storage.testing;

import io.wavestash.storage.wav.WavHeader;
import io.wavestash.storage.wav.WavInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real sox to make and cut fixtures, and reads a WAV file's sample bytes. */
public final class Sox {
    private Sox() {}

    /** Runs {@code sox args...}; fails with sox's own output if it does. */
    public static void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("sox");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("sox failed: " + String.join(" ", command) + "\n" + new String(output));
        }
    }

    /**
     * Makes a WAV of noise with {@code channels} channels ({@code sox -n ... synth}); {@code encoding} is a sox
     * {@code -e} value: signed-integer, unsigned-integer or floating-point.
     */
    public static Path synth(Path file, int rate, int bits, String encoding, int channels, double seconds)
            throws IOException, InterruptedException {
        run(
                "-R",
                "-n",
                "-r",
                "" + rate,
                "-b",
                "" + bits,
                "-e",
                encoding,
                "-c",
                "" + channels,
                file.toString(),
                "synth",
                "" + seconds,
                "whitenoise",
                "vol",
                "0.8");
        return file;
    }

    /** The samples of frames {@code [first, first + count)} as sox cuts them ({@code trim Ns Ms}). */
    public static byte[] trim(Path wav, long first, long count, Path work) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "trim", ".wav");
        run(wav.toString(), out.toString(), "trim", first + "s", count + "s");
        return dataOf(out);
    }

    /** The sample bytes of a WAV file (everything in its data chunk). */
    public static byte[] dataOf(Path wav) throws IOException {
        try (FileChannel in = FileChannel.open(wav, StandardOpenOption.READ)) {
            WavInfo info = WavHeader.read(in);
            ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(info.dataBytes()));
            while (data.hasRemaining() && in.read(data, info.dataOffset() + data.position()) > 0) {
                // keep reading
            }
            return data.array();
        }
    }

    public static WavInfo infoOf(Path wav) throws IOException {
        try (FileChannel in = FileChannel.open(wav, StandardOpenOption.READ)) {
            return WavHeader.read(in);
        }
    }
}
