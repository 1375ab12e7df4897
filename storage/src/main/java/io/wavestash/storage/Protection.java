package io.wavestash.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Time ranges of a sensor that retention must never delete, kept in {@code @wavestash/protected.json} beside
 * the store's manifest. It is not part of the store's writer lock, so ranges can be protected while the
 * daemon records; writers of the file take a lock of their own and replace it atomically.
 */
public final class Protection {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String FILE = "@wavestash/protected.json";

    /** A protected range {@code [from, to)} of a sensor. */
    public record Range(String sensor, Instant from, Instant to, String note) {
        public Range {
            SensorId.of(sensor);
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("protected range: --from " + from + " must be before --to " + to);
            }
        }

        /** True when the range overlaps {@code [start, end)} of the sensor. */
        public boolean overlaps(String sensor, Instant start, Instant end) {
            return this.sensor.equals(sensor) && from.isBefore(end) && start.isBefore(to);
        }
    }

    /** How a range is kept in the file: instants as ISO-8601 text. */
    private record Stored(String sensor, String from, String to, String note) {
        static Stored of(Range r) {
            return new Stored(r.sensor(), r.from().toString(), r.to().toString(), r.note());
        }

        Range range() {
            return new Range(sensor, Instant.parse(from), Instant.parse(to), note == null ? "" : note);
        }
    }

    private Protection() {}

    public static List<Range> read(Path storeRoot) {
        Path file = storeRoot.resolve(FILE);
        try {
            return JSON.readValue(Files.readAllBytes(file), new TypeReference<List<Stored>>() {}).stream()
                    .map(Stored::range)
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            throw new StoreException(file + ": unreadable protected ranges: " + e.getMessage(), e);
        }
    }

    /** Adds a range, durably, and returns all of them. */
    public static List<Range> add(Path storeRoot, Range range) {
        Path file = storeRoot.resolve(FILE);
        try (FileChannel lockFile = FileChannel.open(
                        storeRoot.resolve("@wavestash/protected.lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            List<Range> all = new ArrayList<>(read(storeRoot));
            all.add(range);
            Path temp = file.resolveSibling("protected.json.tmp");
            Files.write(
                    temp, JSON.writeValueAsBytes(all.stream().map(Stored::of).toList()));
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return List.copyOf(all);
        } catch (IOException e) {
            throw new StoreException("cannot protect a range in " + file + ": " + e.getMessage(), e);
        }
    }
}
