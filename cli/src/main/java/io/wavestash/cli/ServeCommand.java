package io.wavestash.cli;

import io.wavestash.config.HttpConfig;
import io.wavestash.config.WavestashConfig;
import io.wavestash.ingest.IngestMetrics;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "serve",
        description = "Serve the HTTP API and the web page over a store (the daemon serves them too, with http.port"
                + " set), until Ctrl-C.",
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 8080;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions storeOptions;

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "Port (default: the config's http.port, else " + DEFAULT_PORT + "; 0: any free port).")
    Integer port;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: the config's http.bind, else 127.0.0.1). Any address"
                    + " other than loopback needs a token: http.token or " + HttpConfig.TOKEN_ENVIRONMENT + ".")
    String bind;

    @Override
    public Integer call() throws Exception {
        HttpConfig http = storeOptions.config == null
                ? HttpConfig.defaults()
                : WavestashConfig.load(storeOptions.config).http();
        if (port != null) {
            if (port < 0 || port > 65_535) {
                throw new Main.UserException("--port: expected 0..65535, found " + port);
            }
            http = http.withPort(port);
        } else if (http.port() == 0) {
            http = http.withPort(DEFAULT_PORT);
        }
        if (bind != null) {
            http = http.withBind(bind);
        }
        PrintWriter out = spec.commandLine().getOut();
        IngestMetrics metrics = new IngestMetrics();
        HttpApi api = HttpApi.start(http, storeOptions.resolve(), metrics.registry());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            metrics.close();
            stopped.countDown();
        }));
        out.printf("serving %s on %s (Ctrl-C to stop)%n", storeOptions.resolve().where(), api.url());
        out.flush();
        stopped.await();
        return 0;
    }
}
