package io.wavestash.cli;

import io.wavestash.config.ConfigException;
import io.wavestash.storage.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wavestash} command. */
@Command(
        name = "wavestash",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Record sensor audio at the edge and get it back by time.")
public final class Main {
    /** The subcommands, in the order help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(
            IngestCommand.class,
            DevicesCommand.class,
            ImportCommand.class,
            LsCommand.class,
            QueryCommand.class,
            PlayCommand.class,
            ServeCommand.class,
            ExportCommand.class,
            ReindexCommand.class,
            MigrateCommand.class,
            ProtectCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class);

    /** Exit status of a command that failed on bad input or a store problem. */
    static final int EXIT_ERROR = 1;
    /** Exit status of a command line that does not parse. */
    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line, printing to the process's streams; returns the exit status. */
    public static int run(String... args) {
        return commandLine(List.of(args)).execute(args);
    }

    static CommandLine commandLine() {
        return commandLine(List.of());
    }

    /**
     * The command line to run {@code args}: when they start with a subcommand's name, only that subcommand is
     * built (building all thirteen, each with its options and help, took about 25 ms of a query's 0.25 s start).
     */
    static CommandLine commandLine(List<String> args) {
        CommandLine cli = new CommandLine(new Main());
        String first = args.isEmpty() ? "" : args.get(0);
        List<Class<?>> named = COMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(first))
                .toList();
        for (Class<?> command : named.isEmpty() || first.equals("help") ? COMMANDS : named) {
            cli.addSubcommand(command);
        }
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("wavestash: " + e.getMessage() + " (see 'wavestash " + commandPath(e.getCommandLine())
                    + "--help')");
            err.flush();
            return EXIT_USAGE;
        });
        return cli;
    }

    private static String commandPath(CommandLine cli) {
        String path = cli.getCommandSpec().qualifiedName(" ");
        return path.equals("wavestash") ? "" : path.substring("wavestash ".length()) + " ";
    }

    /** One line naming what went wrong; a stack trace only with WAVESTASH_DEBUG set. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (System.getenv("WAVESTASH_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.println("wavestash: error: " + message(e));
        err.flush();
        return EXIT_ERROR;
    }

    static String message(Throwable e) {
        if (e instanceof ConfigException
                || e instanceof StoreException
                || e instanceof IllegalArgumentException
                || e instanceof UserException) {
            return e.getMessage();
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": already exists";
        }
        if (e instanceof IOException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (raise -Xmx through WAVESTASH_JAVA_OPTS)";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** A problem with what the user asked for, reported as is. */
    static final class UserException extends RuntimeException {
        UserException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"wavestash " + (v == null ? "development build" : v)};
        }
    }
}
