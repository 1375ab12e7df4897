package io.wavestash.cli;

import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.Stores;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(
        name = "reindex",
        description = "Rebuild the availability index from the stored chunks.",
        mixinStandardHelpOptions = true)
final class ReindexCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ChunkStore store = storeOptions.open(Stores.Access.WRITE)) {
            List<String> warnings = store.reindex();
            warnings.forEach(w -> spec.commandLine().getErr().println("wavestash: warning: " + w));
            long sessions = store.sensors().stream()
                    .mapToLong(s -> store.sessions(s).size())
                    .sum();
            out.printf(
                    "reindexed %d sensor(s), %d session(s)%n", store.sensors().size(), sessions);
        }
        out.flush();
        return 0;
    }
}
