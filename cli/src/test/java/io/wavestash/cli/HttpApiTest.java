package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wavestash.config.HttpConfig;
import io.wavestash.config.StoreConfig;
import io.wavestash.ingest.IngestMetrics;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.SessionMeta;
import io.wavestash.storage.Stores;
import io.wavestash.storage.testing.Bytes;
import io.wavestash.storage.testing.Sox;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API over a real loopback socket, answered by the server a daemon or {@code serve} runs. */
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-token-for-tests";

    @TempDir
    Path dir;

    Path store;
    HttpApi api;
    IngestMetrics metrics;
    final HttpClient client = HttpClient.newHttpClient();
    byte[] a;
    byte[] c;

    @BeforeEach
    void storeWithASessionBoundaryAndAGap() throws Exception {
        store = dir.resolve("store");
        Path wa = Sox.synth(dir.resolve("a.wav"), 16_000, 16, "signed-integer", 1, 2.0);
        Path wc = Sox.synth(dir.resolve("c.wav"), 16_000, 16, "signed-integer", 1, 1.0);
        importWav(wa, "porch", "2026-11-20T10:00:00Z");
        importWav(wc, "porch", "2026-11-20T10:00:02.5Z"); // a 0.5 s gap after a
        a = Sox.dataOf(wa);
        c = Sox.dataOf(wc);
        metrics = new IngestMetrics();
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        metrics.close();
    }

    private void importWav(Path wav, String sensor, String start) {
        CliRun run = CliRun.inProcess(
                "import", "--store", store.toString(), "--sensor", sensor, "--start", start, wav.toString());
        assertThat(run.exit()).as(run.err()).isZero();
    }

    private void serve(HttpConfig config) throws Exception {
        api = HttpApi.start(config, Stores.existing(store).orElseThrow(), metrics.registry());
    }

    private HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends a request target as it is, without a client's checks; returns the whole answer. */
    private String rawGet(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void sensorsSessionsAvailabilityAndWaveformsAnswerWhatIsStored() throws Exception {
        serve(HttpConfig.defaults());
        JsonNode sensors = json(get("/api/sensors"));
        assertThat(sensors.at("/sensors/0/sensor").asText()).isEqualTo("porch");
        assertThat(sensors.at("/sensors/0/sessions").asInt()).isEqualTo(2);
        assertThat(sensors.at("/sensors/0/from").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(sensors.at("/sensors/0/to").asText()).isEqualTo("2026-11-20T10:00:03.500Z");

        JsonNode sessions = json(get("/api/sensors/porch/sessions"));
        assertThat(sessions.get("sessions")).hasSize(2);
        assertThat(sessions.at("/sessions/1/start").asText()).isEqualTo("2026-11-20T10:00:02.500Z");
        assertThat(sessions.at("/sessions/1/frames").asLong()).isEqualTo(16_000);

        HttpResponse<byte[]> r =
                get("/api/availability?sensor=porch&from=2026-11-20T09:59:59Z&to=2026-11-20T10:00:04Z");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode av = json(r);
        assertThat(av.get("segments")).hasSize(2);
        assertThat(av.at("/gaps/0/start").asText()).isEqualTo("2026-11-20T09:59:59Z");
        assertThat(av.at("/gaps/0/frames").asLong()).isEqualTo(16_000);
        assertThat(av.at("/gaps/1/start").asText()).isEqualTo("2026-11-20T10:00:02Z");
        assertThat(av.at("/gaps/1/end").asText()).isEqualTo("2026-11-20T10:00:02.500Z");
        assertThat(av.at("/gaps/1/frames").asLong()).isEqualTo(8_000);
        assertThat(av.at("/gaps/2/frames").asLong()).isEqualTo(8_000);

        String window = "sensor=porch&from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:03.5Z";
        byte[] expected = Bytes.concat(a, new byte[8_000 * 2], c);
        r = get("/api/waveform?" + window);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("audio/wav");
        assertThat(r.headers().firstValue("X-Wavestash-Gaps")).hasValue("1");
        Path wav = Files.write(dir.resolve("window.wav"), r.body());
        assertThat(Sox.infoOf(wav).frames()).isEqualTo(56_000);
        Bytes.assertSame(Sox.dataOf(wav), expected, "WAV over HTTP");

        r = get("/api/waveform?" + window + "&format=raw");
        assertThat(r.headers().firstValue("X-Wavestash-Rate")).hasValue("16000");
        assertThat(r.headers().firstValue("X-Wavestash-Encoding")).hasValue("signed");
        Bytes.assertSame(r.body(), expected, "raw over HTTP");

        r = get("/api/waveform?" + window + "&format=raw&fill=none");
        Bytes.assertSame(r.body(), Bytes.concat(a, c), "raw with gaps left out");

        JsonNode samples = json(get("/api/waveform?" + window + "&format=json"));
        assertThat(samples.get("frames").asLong()).isEqualTo(56_000);
        assertThat(samples.get("samples")).hasSize(56_000);
        short[] pcm = Bytes.shortsLe(expected);
        for (int i = 0; i < pcm.length; i += 997) {
            assertThat(samples.get("samples").get(i).floatValue())
                    .as("sample " + i)
                    .isEqualTo(pcm[i] / 32_768f);
        }

        r = get("/api/waveform?" + window + "&rate=48000");
        Path up = Files.write(dir.resolve("up.wav"), r.body());
        assertThat(Sox.infoOf(up).frames()).isEqualTo(3 * 56_000);
        assertThat(Sox.infoOf(up).format().sampleRateHz()).isEqualTo(48_000);

        r = get("/metrics");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("wavestash_http_requests_total");
    }

    @Test
    void hostileRequestsGetTheRightStatusAndAMessageNamingTheParameterAndTheServerStaysUp() throws Exception {
        serve(new HttpConfig(0, "127.0.0.1", null, Duration.ofHours(24), Duration.ofMinutes(10), 8));
        String w = "&from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:01Z";
        Object[][] cases = {
            {"/api/waveform?sensor=porch&from=yesterday&to=2026-11-20T10:00:01Z", 400, "from: "},
            {"/api/waveform?sensor=porch&from=2026-11-20T10:00:01Z&to=2026-11-20T10:00:01Z", 400, "to: must be after"},
            {"/api/waveform?sensor=porch&from=2026-11-20T10:00:02Z&to=2026-11-20T10:00:01Z", 400, "to: must be after"},
            {"/api/waveform?sensor=nosuch" + w, 404, "unknown sensor 'nosuch'"},
            {"/api/waveform?sensor=..%2F..%2Fetc%2Fpasswd" + w, 400, "sensor: "},
            {"/api/availability?sensor=%2Fetc" + w, 400, "sensor: "},
            {"/api/sensors/..%2F..%2Fetc/sessions", 400, "id: "},
            {"/api/sensors/../../etc/sessions", 400, "id: "},
            {"/api/sensors/nosuch/sessions", 404, "unknown sensor 'nosuch'"},
            {"/api/waveform?sensor=porch&from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z", 413, "longer than"},
            {"/api/waveform?sensor=porch&from=2026-11-20T00:00:00Z&to=2026-11-20T01:00:00Z&format=json", 413, "JSON"},
            {"/api/waveform?sensor=porch" + w + "&format=mp3", 400, "format: expected wav, raw or json"},
            {"/api/waveform?sensor=porch" + w + "&rate=0", 400, "rate: expected a whole number"},
            {"/api/waveform?sensor=porch" + w + "&rate=abc", 400, "rate: "},
            {"/api/waveform?sensor=porch" + w + "&colour=red", 400, "colour: unknown parameter"},
            {"/api/waveform?sensor=porch" + w + "&sensor=porch", 400, "sensor: given more than once"},
            {"/api/waveform?from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:01Z", 400, "sensor: required"},
            {"/api/waveform?sensor=porch&from=2026-11-21T10:00:00Z&to=2026-11-21T10:00:01Z", 404, "no samples"},
            {"/api/live?sensor=porch&seconds=-1", 400, "seconds: "},
            {"/api/nothing", 404, "no such resource"},
        };
        for (Object[] c : cases) {
            HttpResponse<byte[]> r = get((String) c[0]);
            assertThat(r.statusCode()).as((String) c[0]).isEqualTo(c[1]);
            JsonNode body = json(r);
            assertThat(body.get("error").asText()).as((String) c[0]).contains((String) c[2]);
        }
        // requests no well-behaved client sends, written on the socket as they are: the JDK's server refuses a
        // target that is not a URI itself; a bad escape in a parameter reaches the API
        assertThat(rawGet("/api/waveform?sensor=%ZZ" + w)).startsWith("HTTP/1.1 400");
        assertThat(rawGet("/api/waveform?sensor=porch%2" + w)).startsWith("HTTP/1.1 400");
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/sensors"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get("/api/sensors").statusCode()).as("still up").isEqualTo(200);
    }

    @Test
    void offLoopbackATokenIsRequiredAndChecked() throws Exception {
        assertThatThrownBy(
                        () -> serve(new HttpConfig(0, "0.0.0.0", null, Duration.ofDays(1), Duration.ofMinutes(1), 4)))
                .hasMessageContaining("http.bind: 0.0.0.0 is reachable from other machines")
                .hasMessageContaining("WAVESTASH_TOKEN");
        serve(new HttpConfig(0, "0.0.0.0", TOKEN, Duration.ofDays(1), Duration.ofMinutes(1), 4));
        HttpResponse<byte[]> r = get("/api/sensors");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json(r).get("error").asText()).contains("bearer token is required");
        r = get("/api/sensors", "Authorization", "Bearer wrong-token-wrong-token");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).contains("not valid");
        assertThat(get("/metrics").statusCode()).isEqualTo(401);
        assertThat(get("/api/sensors", "Authorization", "Bearer " + TOKEN).statusCode())
                .isEqualTo(200);
        r = get("/api/waveform?sensor=porch&from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:01Z&access_token=" + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        Bytes.assertSame(
                Sox.dataOf(Files.write(dir.resolve("t.wav"), r.body())),
                Arrays.copyOf(a, 32_000),
                "with the token as a parameter");
    }

    @Test
    void streamsBeyondTheLimitAre429AndTheSlotComesBack() throws Exception {
        // an hour of a 48 kHz stereo sensor (mostly gap, sent as silence): far more than socket buffers hold
        Path big = Sox.synth(dir.resolve("big.wav"), 48_000, 16, "signed-integer", 2, 1.0);
        importWav(big, "wide", "2026-11-20T10:00:00Z");
        serve(new HttpConfig(0, "127.0.0.1", null, Duration.ofDays(1), Duration.ofMinutes(1), 1));
        try (Socket slow = new Socket("127.0.0.1", api.port())) {
            OutputStream out = slow.getOutputStream();
            out.write(("GET /api/waveform?sensor=wide&from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z HTTP/1.1\r\n"
                            + "Host: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] first = in.readNBytes(1024);
            assertThat(new String(first, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            HttpResponse<byte[]> r =
                    get("/api/waveform?sensor=porch&from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:01Z");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(json(r).get("error").asText()).contains("too many audio streams");
            assertThat(get("/api/sensors").statusCode())
                    .as("JSON answers are not streams")
                    .isEqualTo(200);
        }
        int status = 0;
        for (int i = 0; i < 100 && status != 200; i++) {
            Thread.sleep(100); // the server notices the closed socket on its next write
            status = get("/api/waveform?sensor=porch&from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:01Z")
                    .statusCode();
        }
        assertThat(status)
                .as("the slot is free again once the slow client is gone")
                .isEqualTo(200);
    }

    @Test
    void liveSendsTheNewestAudioAsItIsStored() throws Exception {
        StoreConfig config = Stores.existing(store).orElseThrow();
        SensorId mic = SensorId.of("mic");
        long start = Instant.parse("2026-11-20T12:00:00Z").toEpochMilli() * 1000;
        // every frame holds its own index, so any stretch of the stream says where it came from
        int rate = 8_000;
        int chunkFrames = 400;
        try (ChunkStore writer = Stores.open(config, Stores.Access.WRITE)) {
            writer.createSession(new SessionMeta(mic, start, SampleFormat.pcm(rate, 16, 1), chunkFrames, "test"));
            writer.write(mic, start, 0, ByteBuffer.wrap(frames(0, rate)));
            writer.flush();
            serve(HttpConfig.defaults());
            Thread feeder = new Thread(() -> {
                for (int k = 0; k < 40; k++) {
                    long first = rate + (long) k * chunkFrames;
                    writer.write(mic, start, first * 2, ByteBuffer.wrap(frames(first, chunkFrames)));
                    writer.flush();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            feeder.start();
            HttpResponse<InputStream> r = client.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + api.port() + "/api/live?sensor=mic&seconds=1"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readAllBytes();
            }
            feeder.join();
            assertThat(new String(body, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            int headerBytes = 44;
            short[] got = Bytes.shortsLe(Arrays.copyOfRange(body, headerBytes, body.length));
            assertThat(got).as("one second of audio").hasSize(rate);
            int firstFrame = got[0];
            // half a second before the newest audio when asked: at least 0.5 s in, and a whole second before the end
            assertThat(firstFrame).as("first frame sent").isBetween(rate / 2, rate + 40 * chunkFrames - rate);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("frame " + i + " follows on").isEqualTo((short) (firstFrame + i));
            }
        }
    }

    private static byte[] frames(long first, int count) {
        ByteBuffer b = ByteBuffer.allocate(count * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putShort((short) (first + i));
        }
        return b.array();
    }
}
