package io.wavestash.cli;

import io.wavestash.config.StoreConfig;
import io.wavestash.storage.Protection;
import io.wavestash.storage.SensorId;
import io.wavestash.storage.Stores;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "protect",
        description = "Keep a sensor's time range from retention (works while the daemon records); --list shows them.",
        mixinStandardHelpOptions = true)
final class ProtectCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sensor", paramLabel = "ID", description = "The sensor.")
    String sensor;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Start of the range (inclusive).")
    String from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "End of the range (exclusive).")
    String to;

    @Option(names = "--note", description = "Why, for whoever reads the list.")
    String note;

    @Option(names = "--list", description = "List the protected ranges.")
    boolean list;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StoreConfig config = storeOptions.resolve();
        if (Stores.existing(config.path()).isEmpty()) {
            throw new Main.UserException("--store: no wavestash store at " + config.path());
        }
        if (list) {
            print(out, Protection.read(config.path()));
            out.flush();
            return 0;
        }
        if (sensor == null || from == null || to == null) {
            throw new Main.UserException("protect needs --sensor, --from and --to (or --list)");
        }
        SensorId id = Cli.writtenSensor(sensor, "--sensor");
        Instant start = Cli.instant(from, "--from");
        Instant end = Cli.instant(to, "--to");
        if (!start.isBefore(end)) {
            throw new Main.UserException("--from " + start + " must be before --to " + end);
        }
        List<Protection.Range> all =
                Protection.add(config.path(), new Protection.Range(id.value(), start, end, note == null ? "" : note));
        out.printf("protected %s %s .. %s (%d range(s) in all)%n", id, start, end, all.size());
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, List<Protection.Range> ranges) {
        if (ranges.isEmpty()) {
            out.println("no protected ranges");
        }
        for (Protection.Range r : ranges) {
            out.printf("%s %s .. %s%s%n", r.sensor(), r.from(), r.to(), r.note().isEmpty() ? "" : "  " + r.note());
        }
    }
}
