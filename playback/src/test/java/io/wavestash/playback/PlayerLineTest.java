package io.wavestash.playback;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.Stores;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WaveformQuery;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.SourceDataLine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API on a line the program got from javax.sound itself. The build points {@code HOME} at a directory
 * whose asoundrc makes ALSA's default device the {@code file} plugin, so what the line is given lands in a file.
 */
class PlayerLineTest {
    private static final SensorId SENSOR = SensorId.of("tone");
    private static final long START = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli() * 1000;
    private static final int RATE = 16_000;
    private static final double HZ = 440;
    private static Path played;

    @TempDir
    Path dir;

    SensorWindow window;
    byte[] stored;

    @BeforeAll
    static void alsaDefaultDeviceWritesAFile() throws Exception {
        Path home = Files.createDirectories(Path.of(System.getenv("HOME")));
        played = home.resolve("played.raw");
        Files.writeString(
                home.resolve(".asoundrc"),
                "pcm.!default {\n  type file\n  slave.pcm \"null\"\n  file \"" + played + "\"\n  format \"raw\"\n}\n");
    }

    @BeforeEach
    void storeTwoSecondsOfTone() throws Exception {
        Files.deleteIfExists(played);
        ChunkStore store = Stores.open(StoreConfig.defaults().withPath(dir.resolve("store")), Stores.Access.WRITE);
        store.createSession(new SessionMeta(SENSOR, START, SampleFormat.pcm(RATE, 16, 1), 1600, "test"));
        ByteBuffer pcm = ByteBuffer.allocate(2 * RATE * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2 * RATE; i++) {
            pcm.putShort((short) Math.round(16_000 * Math.sin(2 * Math.PI * HZ * i / RATE)));
        }
        stored = pcm.array();
        for (int block = 0; block < stored.length; block += 3200) {
            store.write(SENSOR, START, block, ByteBuffer.wrap(stored, block, 3200));
        }
        store.flush();
        window = new WaveformQuery(store)
                .window(SENSOR, Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T10:00:02Z"));
    }

    @Test
    void aLineOpenedInTheStoredFormatGetsTheStoredBytesAndStaysOpen() throws Exception {
        AudioFormat format = new AudioFormat(RATE, 16, 1, true, false);
        SourceDataLine line = AudioSystem.getSourceDataLine(format);
        line.open(format);
        long frames = new Player(line, Player.Options.plain()).play(window, (done, total) -> {}, () -> false);
        assertThat(line.isOpen())
                .as("the caller's line is the caller's to close")
                .isTrue();
        line.close();
        assertThat(frames).isEqualTo(2 * RATE);
        assertThat(Files.readAllBytes(played)).isEqualTo(stored);
    }

    @Test
    void aLineOpenedInAnotherFormatGetsTheConvertedTone() throws Exception {
        AudioFormat format = new AudioFormat(48_000, 16, 2, true, false);
        SourceDataLine line = AudioSystem.getSourceDataLine(format);
        line.open(format);
        Player.Plan[] plan = new Player.Plan[1];
        new Player(line, Player.Options.plain())
                .play(
                        window,
                        new Player.Progress() {
                            @Override
                            public void at(long done, long total) {}

                            @Override
                            public void started(Player.Plan p) {
                                plan[0] = p;
                            }
                        },
                        () -> false);
        line.close();
        assertThat(plan[0].converted()).isTrue();
        assertThat(plan[0].describe())
                .isEqualTo("converting 16000 Hz, 16-bit signed, 1 ch to 48000 Hz, 16-bit signed, 2 ch");
        ByteBuffer got = ByteBuffer.wrap(Files.readAllBytes(played)).order(ByteOrder.LITTLE_ENDIAN);
        int frames = got.remaining() / 4;
        assertThat(frames)
                .as("three times the frames, within the resampler's edge")
                .isBetween(96_000 - 64, 96_000 + 64);
        // tolerance: 1% of full scale against the ideal tone, away from the resampler's start and end
        for (int f = 1_000; f < frames - 1_000; f++) {
            double expected = 16_000 * Math.sin(2 * Math.PI * HZ * f / 48_000) / 32_768;
            double left = got.getShort(4 * f) / 32_768.0;
            double right = got.getShort(4 * f + 2) / 32_768.0;
            assertThat(Math.abs(left - expected)).as("left, frame " + f).isLessThan(0.01);
            assertThat(right).as("right, frame " + f).isEqualTo(left);
        }
    }

    @Test
    void aLineNotYetOpenIsOpenedInTheStoredFormatAndClosed() throws Exception {
        SourceDataLine line = AudioSystem.getSourceDataLine(new AudioFormat(RATE, 16, 1, true, false));
        new Player(line, Player.Options.plain()).play(window, (done, total) -> {}, () -> false);
        assertThat(line.isOpen()).isFalse();
        assertThat(Files.readAllBytes(played)).isEqualTo(stored);
    }
}
