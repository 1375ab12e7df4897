package io.wavestash.cli;

import io.wavestash.config.StoreConfig;
import io.wavestash.config.WavestashConfig;
import io.wavestash.storage.ChunkStore;
import io.wavestash.storage.StoreCopier;
import io.wavestash.storage.Stores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "migrate",
        description = {
            "Copy a store to another template, layout, codec or backend (local directory or S3 bucket).",
            "The source is only read. What the target already holds is skipped, so an interrupted migrate",
            "resumes when run again; every chunk is read back from the target and compared with the source."
        },
        mixinStandardHelpOptions = true)
final class MigrateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "CONFIG", description = "Config file of the source store.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "CONFIG", description = "Config file of the target store.")
    Path to;

    @Option(
            names = "--no-verify",
            description = "Do not read chunks back from the target (faster; chunks are still copied exactly).")
    boolean noVerify;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StoreConfig source = WavestashConfig.load(from).store();
        StoreConfig target = WavestashConfig.load(to).store();
        if (source.isLocal()
                && target.isLocal()
                && source.path()
                        .toAbsolutePath()
                        .normalize()
                        .equals(target.path().toAbsolutePath().normalize())) {
            throw new Main.UserException("--from and --to name the same store (" + source.path() + ")");
        }
        if (source.isLocal() && Stores.existing(source.path()).isEmpty()) {
            throw new Main.UserException("--from: no wavestash store at " + source.path());
        }
        long started = System.nanoTime();
        try (ChunkStore in = Stores.open(source, Stores.Access.READ);
                ChunkStore outStore = Stores.open(target, Stores.Access.WRITE)) {
            err.printf("migrating %s -> %s%n", source.where(), target.where());
            StoreCopier copier = new StoreCopier(in, outStore, !noVerify, true);
            StoreCopier.Result result = copier.copy(bar(err), () -> false);
            err.println();
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "migrated %d chunk(s), %.1f MB, in %.1f s (%d already there, %d session(s) created)%s%n",
                    result.chunksCopied(),
                    result.bytesCopied() / 1e6,
                    seconds,
                    result.chunksAlreadyThere(),
                    result.sessionsCreated(),
                    noVerify ? "" : "; every chunk verified");
        }
        out.flush();
        return 0;
    }

    /** A progress bar by bytes, with the chunk count. */
    private static StoreCopier.Listener bar(PrintWriter err) {
        ProgressBar bar = new ProgressBar(err);
        return p -> bar.show(
                p.bytes(),
                p.totalBytes(),
                String.format(
                        Locale.ROOT,
                        "%d / %d chunks, %.1f / %.1f MB",
                        p.chunks(),
                        p.totalChunks(),
                        p.bytes() / 1e6,
                        p.totalBytes() / 1e6));
    }
}
