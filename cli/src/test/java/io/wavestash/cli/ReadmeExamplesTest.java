package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.Sox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's command-line examples as written, so they cannot go stale. */
class ReadmeExamplesTest {
    private static final Pattern BLOCK =
            Pattern.compile("<!-- readme-example:[^>]*-->\\s*```sh\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern OUT = Pattern.compile("--out (\\S+)");

    @TempDir
    Path dir;

    @Test
    void everyExampleRunsAndWritesWhatItSays() throws Exception {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        Matcher m = BLOCK.matcher(readme);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).as("README example blocks").isNotEmpty();
        writeLauncher();
        // playback examples play to ALSA's default device, here the file plugin writing to a file
        Path home = Files.createDirectories(dir.resolve(".home"));
        Path played = dir.resolve(".played.raw");
        Files.writeString(
                home.resolve(".asoundrc"),
                "pcm.!default {\n type file\n slave.pcm \"null\"\n file \"" + played + "\"\n format \"raw\"\n}\n");
        for (String block : blocks) {
            ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", block)
                    .directory(dir.toFile())
                    .redirectErrorStream(true);
            builder.environment().put("HOME", home.toString());
            Process p = builder.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue())
                    .as("README block failed:\n" + block + "\noutput:\n" + output)
                    .isZero();
            Matcher outs = OUT.matcher(block);
            while (outs.find()) {
                for (Path written : outputsOf(outs.group(1))) {
                    assertThat(Sox.infoOf(written).frames())
                            .as(written.toString())
                            .isPositive();
                }
            }
            assertThat(output).as("each block ends with ls").contains("sensor ");
            if (block.contains("wavestash play")) {
                assertThat(Files.size(played)).as("bytes the device received").isPositive();
            }
        }
    }

    @Test
    void everyConfigExampleParses() throws Exception {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        Matcher m = Pattern.compile("<!-- readme-config:[^>]*-->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        int parsed = 0;
        while (m.find()) {
            io.wavestash.config.WavestashConfig config = io.wavestash.config.ConfigFile.parse(
                    "README.md", m.group(1), io.wavestash.config.WavestashConfig::from);
            assertThat(config.store()).isNotNull();
            parsed++;
        }
        assertThat(parsed).as("config examples").isGreaterThanOrEqualTo(4);
    }

    /** A multi-sensor query writes FILE-SENSOR.wav; a single one FILE.wav. */
    private List<Path> outputsOf(String name) throws IOException {
        Path exact = dir.resolve(name);
        if (Files.exists(exact)) {
            return List.of(exact);
        }
        String stem = name.substring(0, name.length() - 4);
        try (var files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(stem + "-")
                            && p.toString().endsWith(".wav"))
                    .toList();
            assertThat(found).as("files written for --out " + name).isNotEmpty();
            return found;
        }
    }

    /** {@code ./wavestash} in the example directory runs this build's classes. */
    private void writeLauncher() throws IOException {
        Path launcher = dir.resolve("wavestash");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(
                launcher,
                "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                        + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md"))) {
            p = p.getParent();
        }
        return p;
    }
}
