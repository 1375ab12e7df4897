package io.wavestash.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wavestash.config.HttpConfig;
import io.wavestash.config.StoreConfig;
import io.wavestash.ingest.dsp.PcmFloats;
import io.wavestash.playback.AlignedWindow;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import io.wavestash.storage.Times;
import io.wavestash.storage.index.SessionEntry;
import io.wavestash.storage.query.Gap;
import io.wavestash.storage.query.Segment;
import io.wavestash.storage.query.SensorWindow;
import io.wavestash.storage.query.WaveformQuery;
import io.wavestash.storage.wav.Pcm;
import io.wavestash.storage.wav.WavHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP API and web page over a store, on the JDK's own HTTP server (no extra dependency on a small device).
 * Every request reads the store through its own read-only view, refreshed at most every {@link #REFRESH_NANOS}
 * so a daemon's newest chunks show up. Audio is streamed a block at a time, so memory stays flat for any window;
 * at most {@link HttpConfig#maxStreams()} streams run at once and more are answered 429. A bad parameter is a 400
 * naming it; a window longer than {@link HttpConfig#maxWindow()} is a 413. Off loopback a bearer token is
 * required, sent as {@code Authorization: Bearer T} or, for the page's audio elements, {@code access_token=T}.
 */
final class HttpApi implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long REFRESH_NANOS = 100_000_000L;
    private static final int BLOCK_BYTES = 64 * 1024;
    private static final int JSON_BLOCK_FRAMES = 4096;
    /** A live stream ends when no new audio came for this long. */
    private static final long LIVE_IDLE_NANOS = 10_000_000_000L;

    private final HttpConfig config;
    private final ChunkStore store;
    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Semaphore streams;
    private final AtomicInteger streaming = new AtomicInteger();
    private final byte[] token;
    private final Counter requests;
    private final Counter rejected;
    private long refreshedAt;

    private HttpApi(HttpConfig config, ChunkStore store, PrometheusMeterRegistry registry, HttpServer server) {
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.server = server;
        String t = config.effectiveToken();
        this.token = t == null ? null : t.getBytes(StandardCharsets.UTF_8);
        this.streams = new Semaphore(config.maxStreams());
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.maxStreams() + 16, r -> {
            Thread th = new Thread(r, "http-" + threads.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        this.requests = Counter.builder("wavestash_http_requests")
                .description("HTTP requests answered")
                .register(registry);
        this.rejected = Counter.builder("wavestash_http_rejected")
                .description("HTTP requests answered 429 because the stream limit was reached")
                .register(registry);
        Gauge.builder("wavestash_http_streams", streaming, AtomicInteger::get)
                .description("audio streams being sent")
                .register(registry);
    }

    /**
     * Serves the store at {@code storeConfig} on {@code config.bind():config.port()} (0: any free port); metrics
     * come from {@code registry}.
     */
    static HttpApi start(HttpConfig config, StoreConfig storeConfig, PrometheusMeterRegistry registry)
            throws IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.bind());
        } catch (IOException e) {
            throw new Main.UserException("http.bind: cannot resolve '" + config.bind() + "'");
        }
        if (!address.isLoopbackAddress() && config.effectiveToken() == null) {
            throw new Main.UserException("http.bind: " + config.bind() + " is reachable from other machines;"
                    + " set http.token in the config or " + HttpConfig.TOKEN_ENVIRONMENT + " in the environment");
        }
        ChunkStore store = Stores.open(storeConfig, Stores.Access.READ);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, config.port()), 1024);
        } catch (IOException e) {
            store.close();
            throw new Main.UserException(
                    "http: cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage());
        }
        HttpApi api = new HttpApi(config, store, registry, server);
        server.createContext("/", api::handle);
        server.setExecutor(api.executor);
        server.start();
        return api;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The address people can open, for logs. */
    String url() {
        return "http://" + (config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind()) + ":" + port()
                + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    /** A request answered with an error status and a message naming what was wrong. */
    static final class HttpError extends RuntimeException {
        final int status;
        final String parameter;

        HttpError(int status, String parameter, String message) {
            super(message);
            this.status = status;
            this.parameter = parameter;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.increment();
        try (exchange) {
            try {
                if (!exchange.getRequestMethod().equals("GET")
                        && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    throw new HttpError(405, null, "method " + exchange.getRequestMethod() + " is not allowed");
                }
                Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
                authorize(exchange, query);
                query.remove("access_token");
                route(exchange, exchange.getRequestURI().getRawPath(), query);
            } catch (HttpError e) {
                sendError(exchange, e.status, e.parameter, e.getMessage());
            } catch (IllegalArgumentException e) {
                sendError(exchange, 400, null, e.getMessage());
            } catch (IOException e) {
                LOG.log(Level.FINE, "client went away", e); // the client closed the connection mid-answer
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "request " + exchange.getRequestURI() + " failed", e);
                sendError(exchange, 500, null, "internal error: " + e);
            }
        }
    }

    private void route(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        switch (path) {
            case "/", "/index.html" -> {
                only(query);
                sendResource(exchange, "/web/index.html", "text/html; charset=utf-8");
            }
            case "/api/sensors" -> {
                only(query);
                sendJson(exchange, sensors());
            }
            case "/api/availability" -> {
                only(query, "sensor", "from", "to");
                sendJson(exchange, availability(window(query, false)));
            }
            case "/api/waveform" -> {
                only(query, "sensor", "from", "to", "format", "rate", "fill");
                waveform(exchange, query);
            }
            case "/api/live" -> {
                only(query, "sensor", "seconds");
                live(exchange, query);
            }
            case "/metrics" -> {
                only(query);
                send(
                        exchange,
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                String prefix = "/api/sensors/";
                if (path.startsWith(prefix) && path.endsWith("/sessions")) {
                    only(query);
                    String raw = path.substring(prefix.length(), path.length() - "/sessions".length());
                    sendJson(exchange, sessions(sensor(URLDecoder.decode(raw, StandardCharsets.UTF_8), "id")));
                } else {
                    throw new HttpError(404, null, "no such resource: " + path);
                }
            }
        }
    }

    // ---- endpoints ----------------------------------------------------------------------------------

    private ObjectNode sensors() {
        refresh();
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("sensors");
        for (SensorId id : store.sensors()) {
            var sessions = store.sessions(id);
            if (sessions.isEmpty()) {
                continue;
            }
            ObjectNode s = list.addObject();
            s.put("sensor", id.value());
            s.put("sessions", sessions.size());
            SessionEntry first = sessions.firstEntry().getValue();
            SessionEntry last = sessions.lastEntry().getValue();
            s.put("from", Times.ofEpochMicros(first.meta().startEpochMicros()).toString());
            s.put("to", last.clock().instantOf(last.endFrame()).toString());
            s.set("format", JSON.valueToTree(last.meta().format()));
        }
        return root;
    }

    private ObjectNode sessions(SensorId id) {
        refresh();
        var sessions = store.sessions(id);
        if (sessions.isEmpty()) {
            throw new HttpError(404, "id", "unknown sensor '" + id + "'");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("sensor", id.value());
        ArrayNode list = root.putArray("sessions");
        for (SessionEntry entry : sessions.values()) {
            list.add(LsCommand.describe(entry));
        }
        return root;
    }

    private static ObjectNode availability(SensorWindow w) {
        ObjectNode root = JSON.createObjectNode();
        root.put("sensor", w.sensor().value());
        root.put("from", w.from().toString());
        root.put("to", w.to().toString());
        List<SampleFormat> formats =
                w.segments().stream().map(Segment::format).distinct().toList();
        if (formats.size() == 1) {
            root.set("format", JSON.valueToTree(formats.get(0)));
        }
        root.put("frames", w.recordedFrames());
        WindowJson.segments(root.putArray("segments"), w.segments(), formats.size() > 1);
        ArrayNode gaps = root.putArray("gaps");
        if (w.isEmpty()) {
            // nothing recorded: no rate to count the gap's frames in
            ObjectNode n = gaps.addObject();
            n.put("start", w.from().toString());
            n.put("end", w.to().toString());
            n.put("reason", Gap.Reason.NOT_RECORDED.name().toLowerCase(Locale.ROOT));
        } else {
            WindowJson.gaps(gaps, w.gaps());
        }
        return root;
    }

    private void waveform(HttpExchange exchange, Map<String, String> query) throws IOException {
        String format = query.getOrDefault("format", "wav");
        if (!Set.of("wav", "raw", "json").contains(format)) {
            throw new HttpError(400, "format", "format: expected wav, raw or json, found '" + format + "'");
        }
        String fill = query.getOrDefault("fill", "silence");
        if (!fill.equals("silence") && !fill.equals("none")) {
            throw new HttpError(400, "fill", "fill: expected silence or none, found '" + fill + "'");
        }
        Integer rate = null;
        if (query.containsKey("rate")) {
            rate = integer(query.get("rate"), "rate", 1, SampleFormat.MAX_SAMPLE_RATE_HZ);
            if (fill.equals("none")) {
                throw new HttpError(400, "fill", "fill: none cannot be resampled onto a grid; leave out rate");
            }
        }
        SensorWindow w = window(query, format.equals("json"));
        if (w.isEmpty()) {
            throw new HttpError(
                    404, null, "no samples of sensor " + w.sensor() + " in [" + w.from() + ", " + w.to() + ")");
        }
        w.format(); // one format in the window, or a clear error
        takeStreamSlot(exchange);
        try {
            Headers h = exchange.getResponseHeaders();
            h.set("X-Wavestash-Segments", String.valueOf(w.segments().size()));
            h.set("X-Wavestash-Gaps", String.valueOf(w.gaps().size()));
            if (rate != null) {
                sendAligned(exchange, w, rate, format);
            } else if (format.equals("json")) {
                sendJsonSamples(exchange, w, fill.equals("silence") ? w.filled() : w.samples());
            } else {
                sendPcm(exchange, fill.equals("silence") ? w.filled() : w.samples(), format.equals("wav"));
            }
        } finally {
            streaming.decrementAndGet();
            streams.release();
        }
    }

    /** The stored samples as they are (raw) or as a WAV of the same samples, with a known length. */
    private static void sendPcm(HttpExchange exchange, SensorWindow.Stream stream, boolean wav) throws IOException {
        try (stream) {
            SampleFormat f = stream.format();
            OutputStream out = startPcm(exchange, wav ? f.wavNative() : f, stream.frames(), wav);
            if (out == null) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.allocate(BLOCK_BYTES - BLOCK_BYTES % f.frameBytes());
            while (stream.read(buffer.clear()) > 0) {
                buffer.flip();
                if (wav) {
                    Pcm.toWavNative(f, buffer);
                }
                out.write(buffer.array(), 0, buffer.limit());
            }
            endPcm(out, f, stream.frames(), wav);
        }
    }

    /** The window resampled onto a grid of {@code rate} Hz, in the sensor's own encoding and depth. */
    private static void sendAligned(HttpExchange exchange, SensorWindow w, int rate, String format) throws IOException {
        try (AlignedWindow grid = new AlignedWindow(List.of(w), rate)) {
            SampleFormat stored = w.format();
            SampleFormat f = new SampleFormat(
                            rate, stored.bitsPerSample(), stored.channels(), stored.encoding(), stored.byteOrder())
                    .wavNative();
            int channels = f.channels();
            float[][] block = new float[channels][JSON_BLOCK_FRAMES];
            float[] interleaved = new float[JSON_BLOCK_FRAMES * channels];
            if (format.equals("json")) {
                JsonGenerator g = startJsonSamples(exchange, w, rate, channels, grid.frames());
                if (g == null) {
                    return;
                }
                try (g) {
                    int n;
                    while ((n = readInterleaved(grid, block, interleaved)) > 0) {
                        writeSamples(g, interleaved, n * channels);
                    }
                    endJsonSamples(g);
                }
                return;
            }
            boolean wav = format.equals("wav");
            OutputStream out = startPcm(exchange, f, grid.frames(), wav);
            if (out == null) {
                return;
            }
            PcmFloats encode = new PcmFloats(f);
            byte[] bytes = new byte[JSON_BLOCK_FRAMES * f.frameBytes()];
            int n;
            while ((n = readInterleaved(grid, block, interleaved)) > 0) {
                encode.encode(interleaved, n * channels, bytes);
                out.write(bytes, 0, n * f.frameBytes());
            }
            endPcm(out, f, grid.frames(), wav);
        }
    }

    /** The grid's next block, frames interleaved; returns the frames read (0 at the end). */
    private static int readInterleaved(AlignedWindow grid, float[][] block, float[] interleaved) {
        int n = grid.read(block, block[0].length);
        for (int i = 0, at = 0; i < n; i++) {
            for (float[] channel : block) {
                interleaved[at++] = channel[i];
            }
        }
        return n;
    }

    /**
     * Sends the headers of a WAV or raw answer of {@code frames} frames of {@code f} (its length known) and the
     * WAV header; returns the body to write the samples to, or null for a HEAD request.
     */
    private static OutputStream startPcm(HttpExchange exchange, SampleFormat f, long frames, boolean wav)
            throws IOException {
        long dataBytes = frames * f.frameBytes();
        ByteBuffer header = wav ? WavHeader.write(f, dataBytes) : ByteBuffer.allocate(0);
        Headers h = exchange.getResponseHeaders();
        h.set("Content-Type", wav ? "audio/wav" : "application/octet-stream");
        describeFormat(h, f, frames);
        long length = header.remaining() + dataBytes + (wav ? dataBytes & 1 : 0);
        if (head(exchange, length)) {
            return null;
        }
        exchange.sendResponseHeaders(200, length);
        OutputStream out = exchange.getResponseBody();
        out.write(header.array(), 0, header.remaining());
        return out;
    }

    /** A WAV's data chunk of an odd length ends with a pad byte. */
    private static void endPcm(OutputStream out, SampleFormat f, long frames, boolean wav) throws IOException {
        if (wav && (frames * f.frameBytes() & 1) == 1) {
            out.write(0);
        }
    }

    /** Samples as JSON numbers in [-1, 1], frames interleaved, streamed as they are read. */
    private static void sendJsonSamples(HttpExchange exchange, SensorWindow w, SensorWindow.Stream stream)
            throws IOException {
        try (stream) {
            SampleFormat f = stream.format();
            JsonGenerator g = startJsonSamples(exchange, w, f.sampleRateHz(), f.channels(), stream.frames());
            if (g == null) {
                return;
            }
            try (g) {
                PcmFloats decode = new PcmFloats(f);
                byte[] bytes = new byte[JSON_BLOCK_FRAMES * f.frameBytes()];
                float[] samples = new float[JSON_BLOCK_FRAMES * f.channels()];
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (stream.read(buffer.clear()) > 0) {
                    int count = buffer.position() / f.bytesPerSample();
                    decode.decode(bytes, 0, samples, count);
                    writeSamples(g, samples, count);
                }
                endJsonSamples(g);
            }
        }
    }

    /**
     * Sends the headers of a JSON samples answer and its fields up to the samples array; returns the generator
     * to write the samples with, or null for a HEAD request.
     */
    private static JsonGenerator startJsonSamples(
            HttpExchange exchange, SensorWindow w, int rate, int channels, long frames) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (head(exchange, -1)) {
            return null;
        }
        exchange.sendResponseHeaders(200, 0);
        JsonGenerator g = JSON.getFactory().createGenerator(exchange.getResponseBody(), JsonEncoding.UTF8);
        g.writeStartObject();
        g.writeStringField("sensor", w.sensor().value());
        g.writeStringField("from", w.from().toString());
        g.writeStringField("to", w.to().toString());
        g.writeNumberField("rateHz", rate);
        g.writeNumberField("channels", channels);
        g.writeNumberField("frames", frames);
        ArrayNode gaps = JSON.createArrayNode();
        WindowJson.gaps(gaps, w.gaps());
        g.writeFieldName("gaps");
        JSON.writeTree(g, gaps);
        g.writeFieldName("samples");
        g.writeStartArray();
        return g;
    }

    private static void endJsonSamples(JsonGenerator g) throws IOException {
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeSamples(JsonGenerator g, float[] samples, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            g.writeNumber(samples[i]);
        }
    }

    /**
     * The newest audio of a sensor as it arrives: a WAV of unknown length, from about half a second before now
     * and for {@code seconds} (default 30), following the sensor into a new session of the same format.
     */
    private void live(HttpExchange exchange, Map<String, String> query) throws IOException {
        SensorId id = sensor(required(query, "sensor"), "sensor");
        double seconds = query.containsKey("seconds")
                ? number(
                        query.get("seconds"), "seconds", 0.1, config.maxWindow().toSeconds())
                : 30;
        refresh();
        var sessions = store.sessions(id);
        if (sessions.isEmpty()) {
            throw new HttpError(404, "sensor", "unknown sensor '" + id + "'");
        }
        SessionEntry entry = sessions.lastEntry().getValue();
        SampleFormat f = entry.meta().format();
        int fb = f.frameBytes();
        takeStreamSlot(exchange);
        try {
            Headers h = exchange.getResponseHeaders();
            h.set("Content-Type", "audio/wav");
            h.set("Cache-Control", "no-store");
            describeFormat(h, f.wavNative(), -1);
            if (head(exchange, -1)) {
                return;
            }
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // a length no stream reaches, as large as a plain RIFF header holds
            long open = 0xFFFF_FFFFL - 96;
            ByteBuffer header = WavHeader.write(f.wavNative(), open - open % fb);
            out.write(header.array(), 0, header.remaining());
            out.flush();
            long session = entry.meta().startEpochMicros();
            long position = Math.max(0, entry.runs().endByte() - (long) (f.sampleRateHz() / 2) * fb);
            position -= position % fb;
            long toSend = (long) (seconds * f.sampleRateHz()) * fb;
            long sent = 0;
            long idleSince = System.nanoTime();
            ByteBuffer buffer = ByteBuffer.allocate(BLOCK_BYTES - BLOCK_BYTES % fb);
            while (sent < toSend) {
                SessionEntry current = store.sessions(id).get(session);
                long available = current == null ? 0 : contiguousFrom(current, position);
                if (available > 0) {
                    int n = (int) Math.min(Math.min(available, buffer.capacity()), toSend - sent);
                    buffer.clear().limit(n);
                    store.read(id, session, position, buffer);
                    buffer.flip();
                    Pcm.toWavNative(f, buffer);
                    out.write(buffer.array(), 0, n);
                    out.flush();
                    position += n;
                    sent += n;
                    idleSince = System.nanoTime();
                    continue;
                }
                var newer = store.sessions(id).higherEntry(session);
                if (newer != null && newer.getValue().meta().format().equals(f)) {
                    session = newer.getKey();
                    position = 0;
                    continue;
                }
                if (System.nanoTime() - idleSince > LIVE_IDLE_NANOS) {
                    break;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                refresh();
            }
        } finally {
            streaming.decrementAndGet();
            streams.release();
        }
    }

    /** One of the {@link HttpConfig#maxStreams()} slots for an audio stream, or a 429 when none is free. */
    private void takeStreamSlot(HttpExchange exchange) {
        if (!streams.tryAcquire()) {
            rejected.increment();
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new HttpError(
                    429, null, "too many audio streams at once (" + config.maxStreams() + "); try again shortly");
        }
        streaming.incrementAndGet();
    }

    /** Bytes stored without a hole from {@code position} on. */
    private static long contiguousFrom(SessionEntry entry, long position) {
        List<long[]> present = entry.runs().presentRanges(position, Long.MAX_VALUE);
        if (present.isEmpty() || present.get(0)[0] != position) {
            return 0;
        }
        return present.get(0)[1] - position;
    }

    // ---- parameters ---------------------------------------------------------------------------------

    /** The window a request names, checked: known sensor, from before to, no longer than allowed. */
    private SensorWindow window(Map<String, String> query, boolean json) {
        SensorId id = sensor(required(query, "sensor"), "sensor");
        Instant from = instant(required(query, "from"), "from");
        Instant to = instant(required(query, "to"), "to");
        if (!from.isBefore(to)) {
            throw new HttpError(400, "to", "to: must be after from (" + from + "), found " + to);
        }
        Duration length = Duration.between(from, to);
        Duration max = json ? config.maxJsonWindow() : config.maxWindow();
        if (length.compareTo(max) > 0) {
            throw new HttpError(
                    413,
                    "to",
                    "window of " + length.toString().substring(2).toLowerCase(Locale.ROOT) + " is longer than the "
                            + max.toString().substring(2).toLowerCase(Locale.ROOT) + " allowed"
                            + (json ? " for JSON samples; ask for wav or raw" : ""));
        }
        refresh();
        if (store.sessions(id).isEmpty()) {
            throw new HttpError(404, "sensor", "unknown sensor '" + id + "'");
        }
        return new WaveformQuery(store).window(id, from, to);
    }

    private static SensorId sensor(String value, String parameter) {
        try {
            return SensorId.of(value);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, parameter, parameter + ": " + e.getMessage());
        }
    }

    private static Instant instant(String value, String parameter) {
        try {
            return Times.parseInstant(value);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, parameter, parameter + ": " + e.getMessage());
        }
    }

    private static int integer(String value, String parameter, int min, int max) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new HttpError(
                400,
                parameter,
                parameter + ": expected a whole number " + min + ".." + max + ", found '" + value + "'");
    }

    private static double number(String value, String parameter, double min, double max) {
        try {
            double v = Double.parseDouble(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new HttpError(
                400, parameter, parameter + ": expected a number " + min + ".." + max + ", found '" + value + "'");
    }

    private static String required(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            throw new HttpError(400, name, name + ": required");
        }
        return v;
    }

    /** Refuses parameters the endpoint does not know, so a misspelt one is not silently ignored. */
    private static void only(Map<String, String> query, String... known) {
        for (String name : query.keySet()) {
            if (!List.of(known).contains(name)) {
                throw new HttpError(
                        400,
                        name,
                        name + ": unknown parameter"
                                + (known.length == 0
                                        ? "; this resource takes none"
                                        : "; expected " + String.join(", ", known)));
            }
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, null, "malformed query string: " + e.getMessage());
            }
            if (out.put(name, value) != null) {
                throw new HttpError(400, name, name + ": given more than once");
            }
        }
        return out;
    }

    private void authorize(HttpExchange exchange, Map<String, String> query) {
        if (token == null) {
            return;
        }
        String given = null;
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).trim();
        } else if (query.containsKey("access_token")) {
            given = query.get("access_token");
        }
        if (given == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"wavestash\"");
            throw new HttpError(401, null, "a bearer token is required (Authorization: Bearer TOKEN)");
        }
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token)) {
            exchange.getResponseHeaders()
                    .set("WWW-Authenticate", "Bearer realm=\"wavestash\", error=\"invalid_token\"");
            throw new HttpError(401, null, "the bearer token is not valid");
        }
    }

    private synchronized void refresh() {
        long now = System.nanoTime();
        if (now - refreshedAt > REFRESH_NANOS || refreshedAt == 0) {
            store.refresh();
            refreshedAt = now;
        }
    }

    // ---- answers ------------------------------------------------------------------------------------

    private static void describeFormat(Headers h, SampleFormat f, long frames) {
        h.set("X-Wavestash-Rate", String.valueOf(f.sampleRateHz()));
        h.set("X-Wavestash-Bits", String.valueOf(f.bitsPerSample()));
        h.set("X-Wavestash-Channels", String.valueOf(f.channels()));
        h.set("X-Wavestash-Encoding", f.encoding().name().toLowerCase(Locale.ROOT));
        h.set("X-Wavestash-Byte-Order", f.byteOrder().name().toLowerCase(Locale.ROOT));
        if (frames >= 0) {
            h.set("X-Wavestash-Frames", String.valueOf(frames));
        }
    }

    /** For HEAD: sends the headers only and says so. */
    private static boolean head(HttpExchange exchange, long length) throws IOException {
        if (!exchange.getRequestMethod().equals("HEAD")) {
            return false;
        }
        if (length >= 0) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
        }
        exchange.sendResponseHeaders(200, -1);
        return true;
    }

    private static void sendJson(HttpExchange exchange, ObjectNode body) throws IOException {
        send(
                exchange,
                200,
                "application/json",
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
    }

    private static void sendResource(HttpExchange exchange, String resource, String type) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new HttpError(404, null, "no such resource: " + resource);
            }
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static void sendError(HttpExchange exchange, int status, String parameter, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        body.put("status", status);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        try {
            send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "could not send an error answer (headers already sent?)", e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
        }
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
    }
}
