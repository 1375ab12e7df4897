package io.wavestash.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads what the ingest daemon needs: sensors, journal, ring, metrics, dsp, clock and retention. */
final class IngestConfigReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private IngestConfigReader() {}

    static IngestConfig read(ConfigNode root, Path baseDir) {
        List<SensorConfig> sensors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<ConfigNode> nodes = root.children("sensors");
        for (ConfigNode node : nodes) {
            SensorConfig sensor = sensor(node, baseDir);
            if (sensor.id() != null && !ids.add(sensor.id())) {
                node.problem("id", "sensor '" + sensor.id() + "' is defined twice");
            }
            sensors.add(sensor);
        }
        ConfigNode journal = root.child("journal");
        Path journalPath = journal.parsed("path", null, text -> resolve(baseDir, text));
        Duration journalCycle = journal.parsed("cycle", IngestConfig.DEFAULT_JOURNAL_CYCLE, text -> {
            Duration cycle = IngestConfig.JOURNAL_CYCLES.get(text);
            if (cycle == null) {
                throw new IllegalArgumentException("expected one of "
                        + String.join(", ", IngestConfig.JOURNAL_CYCLES.keySet()) + ", found '" + text + "'");
            }
            return cycle;
        });
        journal.finish();
        ConfigNode ring = root.child("ring");
        int ringSize = ring.integer("size", IngestConfig.defaultRingSize(sensors.size()), 2, 1 << 20);
        if (Integer.bitCount(ringSize) != 1) {
            ring.problem("size", "expected a power of two, found " + ringSize);
        }
        int consumers = ring.integer(
                "consumers",
                IngestConfig.defaultRingConsumers(
                        sensors.size(), Runtime.getRuntime().availableProcessors()),
                1,
                IngestConfig.MAX_RING_CONSUMERS);
        if (Integer.bitCount(ringSize) == 1 && ringSize / consumers < 2) {
            ring.problem(
                    "consumers",
                    "a ring of " + ringSize + " slots gives " + consumers
                            + " consumers fewer than 2 slots each; raise ring.size or lower ring.consumers");
        }
        RingPriority priority = ring.enumValue("priority", RingPriority.class, RingPriority.NORMAL);
        ring.finish();
        ConfigNode metrics = root.child("metrics");
        int port = metrics.integer("port", 0, 0, 65_535);
        String bind = metrics.string("bind", "127.0.0.1");
        metrics.finish();
        ConfigNode dsp = root.child("dsp");
        double silence = dsp.parsed("silenceDbfs", IngestConfig.DEFAULT_SILENCE_DBFS, IngestConfigReader::dbfs);
        dsp.finish();
        ConfigNode clockNode = root.child("clock");
        double anchorSeconds = clockNode.parsed(
                "anchorSeconds", ClockConfig.DEFAULT_ANCHOR_SECONDS, text -> between(text, 0.1, 3600, "seconds"));
        double toleranceMs = clockNode.parsed(
                "toleranceMs", ClockConfig.DEFAULT_TOLERANCE_MS, text -> between(text, 0.01, 10_000, "milliseconds"));
        clockNode.finish();
        ConfigNode retention = root.child("retention");
        Duration maxAge = retention.parsed("maxAgeHours", null, text -> hours(text));
        long minFreeMiB = retention.integer("minFreeMiB", 0, 0, Integer.MAX_VALUE);
        int checkSeconds = retention.integer("checkSeconds", 60, 1, 86_400);
        retention.finish();
        return new IngestConfig(
                List.copyOf(sensors),
                journalPath,
                journalCycle,
                ringSize,
                consumers,
                priority,
                port,
                bind,
                silence,
                new RetentionConfig(maxAge, minFreeMiB << 20, checkSeconds),
                new ClockConfig(anchorSeconds, toleranceMs));
    }

    private static SensorConfig sensor(ConfigNode node, Path baseDir) {
        String id = node.string("id", null);
        if (id == null) {
            node.problem("id", "every sensor needs an id");
        } else if (!NAME.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            node.problem("id", "expected 1-64 characters of A-Z a-z 0-9 . _ -, found '" + id + "'");
        }
        SourceKind source = node.enumValue("source", SourceKind.class, null);
        if (source == null && !node.has("source")) {
            node.problem("source", "every sensor needs a source: wav, tone or mic");
        }
        Path file = node.parsed("file", null, text -> resolve(baseDir, text));
        if (source == SourceKind.WAV && file == null) {
            node.problem("file", "a wav source needs a file");
        }
        boolean loop = node.bool("loop", false);
        boolean realTime = node.bool("realTime", true);
        Instant start = node.parsed("start", null, IngestConfigReader::instant);
        int chunkMs = node.integer("chunkMs", 100, 1, 60_000);
        Duration limit = node.parsed("seconds", null, IngestConfigReader::seconds);
        Backpressure fallback = source == SourceKind.MIC ? Backpressure.DROP : Backpressure.BLOCK;
        Backpressure backpressure = node.enumValue("backpressure", Backpressure.class, fallback);
        int rate = node.integer("sampleRateHz", 48_000, 1, 1_536_000);
        int bits = node.integer("bits", 16, 8, 64);
        SampleEncoding encoding = node.enumValue(
                "encoding", SampleEncoding.class, bits == 8 ? SampleEncoding.UNSIGNED : SampleEncoding.SIGNED);
        if (encoding == SampleEncoding.FLOAT ? bits != 32 && bits != 64 : bits % 8 != 0 || bits > 32) {
            node.problem(
                    "bits",
                    encoding == SampleEncoding.FLOAT
                            ? "float samples have 32 or 64 bits, found " + bits
                            : "expected 8, 16, 24 or 32, found " + bits);
        }
        int channels = node.integer("channels", 1, 1, 1024);
        double frequency = node.integer("frequencyHz", 440, 1, 1_000_000);
        String device = node.string("device", null);
        String where = node.where("device");
        double driftPpm = node.parsed("driftPpm", 0.0, text -> between(text, -10_000, 10_000, "parts per million"));
        if (driftPpm != 0 && (source == SourceKind.MIC || !realTime)) {
            node.problem(
                    "driftPpm",
                    source == SourceKind.MIC
                            ? "a microphone's clock drifts by itself; driftPpm is for wav and tone sources"
                            : "driftPpm needs realTime: true (a source read as fast as possible has no clock)");
        }
        node.finish();
        return new SensorConfig(
                id,
                source,
                file,
                loop,
                realTime,
                start,
                chunkMs,
                limit,
                backpressure,
                rate,
                bits,
                encoding,
                channels,
                frequency,
                device,
                driftPpm,
                where);
    }

    private static Path resolve(Path baseDir, String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        Path p = Path.of(text);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
    }

    private static Duration hours(String text) {
        BigDecimal hours = positive(text, BigDecimal.valueOf(1_000_000));
        if (hours == null) {
            throw new IllegalArgumentException("expected a number of hours greater than 0, found '" + text + "'");
        }
        return Duration.ofSeconds(hours.multiply(BigDecimal.valueOf(3600))
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact());
    }

    private static double dbfs(String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (v <= 0 && v >= -200) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a level in dBFS from -200 to 0, found '" + text + "'");
    }

    private static double between(String text, double min, double max, String unit) {
        try {
            double v = Double.parseDouble(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "expected " + unit + " from " + plain(min) + " to " + plain(max) + ", found '" + text + "'");
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static Duration seconds(String text) {
        // below what a Duration holds in nanoseconds (about 292 years)
        BigDecimal seconds =
                positive(text, BigDecimal.valueOf(Long.MAX_VALUE - 1).movePointLeft(9));
        if (seconds == null) {
            throw new IllegalArgumentException("expected a number of seconds greater than 0, found '" + text + "'");
        }
        return Duration.ofNanos(
                seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** A decimal number in (0, below), or null when the text is not one. */
    private static BigDecimal positive(String text, BigDecimal below) {
        try {
            BigDecimal value = new BigDecimal(text.trim());
            return value.signum() > 0 && value.compareTo(below) < 0 ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "expected an ISO-8601 instant such as 2026-11-20T10:00:00Z, found '" + text + "'");
        }
    }
}
