package io.wavestash.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every step of {@code bench/run.sh} at toy sizes, so that the harness cannot rot: the limits, fast and
 * real-time ingest, the stores, every window in-process, via the CLI, sox and Python (whose outputs the script
 * checks hold the same samples), HTTP and memory. Only that it runs and reports numbers is checked here; the
 * figures themselves mean nothing at these sizes.
 */
class RunSmokeTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void theHarnessRunsEndToEndAndWritesItsResults() throws Exception {
        Path results = work.resolve("RESULTS.md");
        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        REPO.resolve("bench/run.sh").toString(),
                        "--smoke",
                        "--no-build",
                        "--work",
                        work.resolve("run").toString(),
                        "--out",
                        results.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("output.txt").toFile());
        pb.environment()
                .put(
                        "WAVESTASH_BENCH_CP",
                        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        Process p = pb.start();
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        String output = Files.readString(work.resolve("output.txt"));
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("the three files hold the same samples", "export: yes");

        String md = Files.readString(results);
        for (String section :
                List.of("## Targets", "## The machine's limits", "## Ingest", "## Windows", "## Memory")) {
            assertThat(md).contains(section);
        }
        // every figure was measured: no empty cell, and the disk write rate is a positive number
        assertThat(md).doesNotContain("||", "| |", "()");
        var write = Pattern.compile("conv=fsync` \\| ([0-9.]+) \\|").matcher(md);
        assertThat(write.find()).as(md).isTrue();
        assertThat(Double.parseDouble(write.group(1))).isPositive();
        assertThat(md.lines()
                        .filter(l -> l.startsWith("| ") && (l.endsWith("| met |") || l.endsWith("| **missed** |"))))
                .hasSize(10);
    }
}
