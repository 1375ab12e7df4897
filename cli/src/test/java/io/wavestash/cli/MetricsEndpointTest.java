package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.storage.testing.Sox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's {@code /metrics}, scraped while it records, and checked by Prometheus's own promtool. */
class MetricsEndpointTest {
    @TempDir
    Path dir;

    @Test
    void theScrapeHasTheDaemonsMetersAndPromtoolAcceptsIt() throws Exception {
        int port = CliRun.freePort();
        Sox.synth(dir.resolve("voice.wav"), 16_000, 16, "signed-integer", 1, 10.0);
        Path config = Files.writeString(
                dir.resolve("metrics.yaml"),
                """
                store: {path: store}
                metrics: {port: %d}
                sensors:
                  - {id: voice, source: wav, file: voice.wav, chunkMs: 50}
                  - {id: tone, source: tone, sampleRateHz: 8000, chunkMs: 100}
                """
                        .formatted(port));
        Process daemon = CliRun.startDaemon(
                dir, config, ProcessBuilder.Redirect.to(dir.resolve("out.txt").toFile()));
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            String scrape = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.headers().firstValue("Content-Type"))
                            .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
                    if (value(r.body(), "wavestash_chunks_stored_total\\{sensor=\"voice\"}") >= 20) {
                        scrape = r.body();
                        break;
                    }
                } catch (java.net.ConnectException notYet) {
                    assertThat(daemon.isAlive())
                            .as(Files.readString(dir.resolve("err.txt")))
                            .isTrue();
                }
                Thread.sleep(200);
            }
            assertThat(scrape).as("a scrape with stored chunks within 60 s").isNotNull();

            assertThat(value(scrape, "wavestash_chunks_acknowledged_total\\{sensor=\"tone\"}"))
                    .isGreaterThan(0);
            assertThat(value(scrape, "wavestash_acknowledged_bytes_total\\{sensor=\"voice\"}"))
                    .isGreaterThanOrEqualTo(20 * 1600);
            assertThat(value(scrape, "wavestash_dropouts_total\\{sensor=\"voice\"}"))
                    .isZero();
            assertThat(value(scrape, "wavestash_ring_size")).isEqualTo(1024);
            // the tone is a sine at half of full scale: 20 log10(0.5 / sqrt 2) = -9.03 dBFS
            assertThat(value(scrape, "wavestash_level_dbfs\\{sensor=\"tone\"}")).isBetween(-9.2, -8.9);
            assertThat(value(scrape, "wavestash_chunks_silent_total\\{sensor=\"tone\"}"))
                    .isZero();
            assertThat(value(scrape, "wavestash_ring_remaining")).isBetween(0.0, 1024.0);
            assertThat(value(scrape, "wavestash_disk_free_bytes\\{path=\"store\"}"))
                    .isGreaterThan(0);
            assertThat(value(scrape, "wavestash_capture_to_durable_seconds_count"))
                    .isGreaterThan(20);
            assertThat(scrape)
                    .contains(
                            "wavestash_capture_to_durable_seconds_bucket{le=",
                            "wavestash_store_write_seconds_bucket{le=",
                            "wavestash_journal_lag_records ",
                            "jvm_memory_used_bytes{",
                            "jvm_threads_live_threads ",
                            "process_uptime_seconds ");

            Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(promtool.exitValue())
                    .as("promtool check metrics: " + verdict)
                    .isZero();
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(daemon.exitValue())
                .as(Files.readString(dir.resolve("err.txt")))
                .isZero();
    }

    /** The value of the one sample whose name and labels match {@code series} (a regex), or -1. */
    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([-+0-9.eE]+|NaN)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
