package io.wavestash.cli;

import io.wavestash.storage.SensorId;
import io.wavestash.storage.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Parsing of option values, with errors that name the option. */
final class Cli {
    private Cli() {}

    static SensorId sensor(String value, String option) {
        try {
            return SensorId.of(value);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException(option + ": " + e.getMessage());
        }
    }

    /** A sensor this command writes: a plain name (DEVICE/SENSOR names are only read). */
    static SensorId writtenSensor(String value, String option) {
        SensorId id = sensor(value, option);
        if (id.isQualified()) {
            throw new Main.UserException(option + ": sensor id '" + value + "' names a device; a sensor is written"
                    + " under a plain name (1-64 characters of A-Z a-z 0-9 . _ -), its device comes from the store's"
                    + " device setting");
        }
        return id;
    }

    /** A comma-separated list of sensor ids, without repeats. */
    static List<SensorId> sensors(String value, String option) {
        List<SensorId> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            out.add(sensor(part.trim(), option));
        }
        return new ArrayList<>(new LinkedHashSet<>(out));
    }

    static Instant instant(String value, String option) {
        try {
            return Times.parseInstant(value);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException(option + ": " + e.getMessage());
        }
    }

    static long sessionStart(String value, String option) {
        Instant instant = instant(value, option);
        try {
            return Times.requireSessionStart(Times.toEpochMicrosExact(instant));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new Main.UserException(option + ": " + e.getMessage());
        }
    }

    /** Seconds with millisecond digits, for messages. */
    static String seconds(long frames, int rate) {
        return String.format(java.util.Locale.ROOT, "%.3f s", (double) frames / rate);
    }
}
