package io.wavestash.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the bench programs print: one {@code name=value} line per figure, which bench/run.sh reads. */
final class Report {
    private Report() {}

    static void put(String name, Object value) {
        String text = value instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(value);
        System.out.println(name + "=" + text);
    }

    /** CPU time this process has used, in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A {@code /proc/self/status} figure in KiB ({@code VmRSS}, {@code VmHWM}), or -1 off Linux. */
    static long statusKib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
