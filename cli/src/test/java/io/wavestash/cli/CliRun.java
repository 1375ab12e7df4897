package io.wavestash.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs the command in this JVM or as a real process, and keeps what it printed. */
record CliRun(int exit, String out, String err) {

    static CliRun inProcess(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Runs {@code java [jvmArgs] io.wavestash.cli.Main args} in {@code dir} with this test's class path. */
    static CliRun process(Path dir, List<String> jvmArgs, String... args) throws IOException, InterruptedException {
        return process(dir, Map.of(), jvmArgs, args);
    }

    /** As {@link #process(Path, List, String...)}, with more environment variables (such as HOME). */
    static CliRun process(Path dir, Map<String, String> env, List<String> jvmArgs, String... args)
            throws IOException, InterruptedException {
        List<String> command = command(jvmArgs, args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("wavestash " + String.join(" ", args) + " did not finish");
        }
        return new CliRun(
                p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code wavestash ingest --config CONFIG} as a real process in {@code dir}, with this build's classes,
     * the journal's JVM flags and {@code jvmArgs}; standard error goes to {@code dir/err.txt}.
     */
    /** A port free on this machine a moment ago, for a server a test starts in another process. */
    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    static Process startDaemon(Path dir, Path config, ProcessBuilder.Redirect stdout, String... jvmArgs)
            throws IOException {
        return startDaemon(dir, Map.of(), config, stdout, jvmArgs);
    }

    /** As {@link #startDaemon(Path, Path, ProcessBuilder.Redirect, String...)}, with more environment variables. */
    static Process startDaemon(
            Path dir, Map<String, String> env, Path config, ProcessBuilder.Redirect stdout, String... jvmArgs)
            throws IOException {
        List<String> jvm = new ArrayList<>(List.of(jvmArgs));
        jvm.addAll(jvmFlags());
        List<String> command = command(jvm, "ingest", "--config", config.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(stdout)
                .redirectError(dir.resolve("err.txt").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * Waits until a daemon whose standard output goes to {@code out} has said it is recording (or is found dead,
     * which fails the test). On a slow machine the JVM's start alone can take seconds.
     */
    static void awaitRecording(Process daemon, Path out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!java.nio.file.Files.readString(out).contains("recording ")) {
            org.assertj.core.api.Assertions.assertThat(daemon.isAlive())
                    .as("the daemon is running")
                    .isTrue();
            org.assertj.core.api.Assertions.assertThat(System.nanoTime())
                    .as("recording within a minute")
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** {@code java JVM_ARGS -cp <this test's class path> io.wavestash.cli.Main ARGS}. */
    private static List<String> command(List<String> jvmArgs, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** The module and Chronicle flags this test JVM was started with, for child JVMs that run the journal. */
    static List<String> jvmFlags() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle"))
                .toList();
    }

    /** Lines of standard error that are not blank. */
    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }
}
