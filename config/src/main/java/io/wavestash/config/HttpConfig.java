package io.wavestash.config;

import java.time.Duration;

/**
 * The HTTP API and web page, served by {@code wavestash serve} and, when {@code port} is set, by the ingest
 * daemon.
 *
 * @param port the port to listen on; 0 serves nothing from the daemon (and lets {@code serve} pick its default)
 * @param bind the address to listen on: loopback unless configured; any other address requires a token
 * @param token the bearer token clients must send; null: none (taken from {@code WAVESTASH_TOKEN} if set)
 * @param maxWindow the longest window one request may ask for; longer ones are answered 413
 * @param maxJsonWindow the longest window returned as JSON samples (a number per sample is large)
 * @param maxStreams audio streams served at once; more are answered 429
 */
public record HttpConfig(
        int port, String bind, String token, Duration maxWindow, Duration maxJsonWindow, int maxStreams) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final Duration DEFAULT_MAX_WINDOW = Duration.ofDays(7);
    public static final Duration DEFAULT_MAX_JSON_WINDOW = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_STREAMS = 128;
    public static final String TOKEN_ENVIRONMENT = "WAVESTASH_TOKEN";

    public static HttpConfig defaults() {
        return new HttpConfig(0, DEFAULT_BIND, null, DEFAULT_MAX_WINDOW, DEFAULT_MAX_JSON_WINDOW, DEFAULT_MAX_STREAMS);
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(newPort, bind, token, maxWindow, maxJsonWindow, maxStreams);
    }

    public HttpConfig withBind(String newBind) {
        return new HttpConfig(port, newBind, token, maxWindow, maxJsonWindow, maxStreams);
    }

    /** The token from the config, else from the environment; null when neither has one. */
    public String effectiveToken() {
        if (token != null) {
            return token;
        }
        String env = System.getenv(TOKEN_ENVIRONMENT);
        return env == null || env.isBlank() ? null : env.trim();
    }

    static HttpConfig read(ConfigNode node) {
        int port = node.integer("port", 0, 0, 65_535);
        String bind = node.string("bind", DEFAULT_BIND);
        String token = node.string("token", null);
        if (token != null && token.length() < 16) {
            node.problem("token", "expected at least 16 characters, found " + token.length());
        }
        Duration maxWindow =
                node.parsed("maxWindowHours", DEFAULT_MAX_WINDOW, text -> hours(text, 1.0 / 3600, 24 * 366));
        Duration maxJson =
                node.parsed("maxJsonWindowSeconds", DEFAULT_MAX_JSON_WINDOW, text -> seconds(text, 0.001, 86_400));
        int maxStreams = node.integer("maxStreams", DEFAULT_MAX_STREAMS, 1, 10_000);
        node.finish();
        return new HttpConfig(port, bind, token, maxWindow, maxJson, maxStreams);
    }

    private static Duration hours(String text, double min, double max) {
        return Duration.ofNanos(Math.round(number(text, min, max, "hours") * 3.6e12));
    }

    private static Duration seconds(String text, double min, double max) {
        return Duration.ofNanos(Math.round(number(text, min, max, "seconds") * 1e9));
    }

    private static double number(String text, double min, double max, String unit) {
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number of " + unit + ", found '" + text + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("expected " + unit + " from " + min + " to " + max + ", found " + text);
        }
        return v;
    }
}
