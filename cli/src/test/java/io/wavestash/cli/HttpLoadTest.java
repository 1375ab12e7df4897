package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wrk, from a second process on loopback, holds 100 clients streaming windows from the daemon's HTTP API while
 * the daemon records three sensors in real time: every answer is a 200 with the whole window, no socket
 * errors, and the daemon drops nothing.
 */
class HttpLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aHundredStreamingClientsWhileTheDaemonRecords() throws Exception {
        int port = CliRun.freePort();
        Path config = Files.writeString(
                dir.resolve("load.yaml"),
                """
                store: {path: store}
                http: {port: %d}
                sensors:
                  - {id: near, source: tone, sampleRateHz: 48000, chunkMs: 100}
                  - {id: far, source: tone, sampleRateHz: 16000, chunkMs: 100}
                  - {id: wide, source: tone, sampleRateHz: 44100, channels: 2, chunkMs: 100}
                """
                        .formatted(port));
        Process daemon = CliRun.startDaemon(
                dir, config, ProcessBuilder.Redirect.to(dir.resolve("out.txt").toFile()));
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            Instant from = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (from == null && System.nanoTime() < deadline) {
                try {
                    JsonNode sensors = JSON.readTree(get(http, base + "/api/sensors"));
                    for (JsonNode s : sensors.get("sensors")) {
                        Instant first = Instant.parse(s.get("from").asText());
                        if (s.get("sensor").asText().equals("near")
                                && Duration.between(
                                                        first,
                                                        Instant.parse(
                                                                s.get("to").asText()))
                                                .toMillis()
                                        >= 2_500) {
                            from = first;
                        }
                    }
                } catch (java.net.ConnectException notYet) {
                    assertThat(daemon.isAlive())
                            .as(Files.readString(dir.resolve("err.txt")))
                            .isTrue();
                }
                Thread.sleep(200);
            }
            assertThat(from)
                    .as("2.5 s of the 48 kHz sensor recorded within 60 s")
                    .isNotNull();
            String url = base + "/api/waveform?sensor=near&from=" + from + "&to=" + from.plusSeconds(2);
            long expectedBytes = 44 + 2L * 48_000 * 2;
            Process wrk = new ProcessBuilder("wrk", "-t2", "-c100", "-d20s", "--timeout", "10s", "--latency", url)
                    .redirectErrorStream(true)
                    .start();
            String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(wrk.waitFor(2, TimeUnit.MINUTES)).isTrue();
            System.out.println(
                    "wrk, 100 clients, 2 s windows of a 48 kHz sensor, while the daemon records:\n" + report);
            assertThat(wrk.exitValue()).as(report).isZero();
            assertThat(report).as("every answer a 2xx").doesNotContain("Non-2xx");
            assertThat(report).as("no connect, read, write or timeout errors").doesNotContain("Socket errors");
            Matcher requests = Pattern.compile("(\\d+) requests in").matcher(report);
            assertThat(requests.find()).as(report).isTrue();
            long answered = Long.parseLong(requests.group(1));
            assertThat(answered).as("requests answered").isGreaterThan(100);
            Matcher read =
                    Pattern.compile("requests in [^,]+, ([0-9.]+)([KMG]B) read").matcher(report);
            assertThat(read.find()).as(report).isTrue();
            double bytes = Double.parseDouble(read.group(1))
                    * switch (read.group(2)) {
                        case "KB" -> 1024.0;
                        case "MB" -> 1024.0 * 1024;
                        default -> 1024.0 * 1024 * 1024;
                    };
            // wrk also counts the requests cut short at its deadline, as many as there are clients
            assertThat(bytes / expectedBytes)
                    .as("whole windows sent (KB as wrk rounds)")
                    .isGreaterThan((answered - 100) * 0.99);

            String metrics = get(http, base + "/metrics");
            for (String sensor : new String[] {"near", "far", "wide"}) {
                Matcher m = Pattern.compile("wavestash_dropouts_total\\{sensor=\"" + sensor + "\"} (\\S+)")
                        .matcher(metrics);
                assertThat(m.find()).as(sensor).isTrue();
                assertThat(Double.parseDouble(m.group(1)))
                        .as("dropouts of " + sensor)
                        .isZero();
            }
            assertThat(metrics).contains("wavestash_http_rejected_total 0.0");
        } finally {
            daemon.destroy(); // SIGTERM: the daemon drains and says whether it lost anything
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(daemon.exitValue())
                .as(Files.readString(dir.resolve("out.txt")) + Files.readString(dir.resolve("err.txt")))
                .isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).contains("HTTP API and web page on http://127.0.0.1:");
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }
}
