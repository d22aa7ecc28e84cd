package io.sightline.cli;

import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.server.ClusterTarget;
import io.sightline.server.ServerConfig;
import io.sightline.server.SightlineServer;
import io.sightline.server.ingest.IngestConfig;
import io.sightline.store.Database;
import io.sightline.store.TokenStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sightline serve}: the server with sensor ingest, the API and live storyboards. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the Sightline server: sensor ingest endpoints, the REST API under /api/v1/ and live storyboards.",
            "State is kept in an embedded store under --data, or in PostgreSQL with --db; a restart replays it.",
            "With --kubeconfig FILE [--context C] operator and admin tokens can execute remediation in that cluster;"
                    + " without it the server plans remediation but does not execute it."
        })
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "port to listen on (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--host",
            defaultValue = ServerConfig.DEFAULT_HOST,
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Mixin
    StoreOptions store;

    @Option(names = "--kev", paramLabel = "FILE", description = "CISA KEV catalogue JSON (default: the bundled copy)")
    Path kev;

    @Option(
            names = "--queue-capacity",
            defaultValue = "100000",
            description =
                    "records ingest may queue ahead of the engine before answering 429 (default: ${DEFAULT-VALUE})")
    int queueCapacity;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "kubeconfig of the cluster remediation acts on (none: plans only)")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "C", description = "kubeconfig context (default: its current one)")
    String context;

    @Option(names = "--clock-skew", defaultValue = "PT5S", description = "cross-host clock skew (ISO-8601)")
    Duration clockSkew;

    @Option(
            names = "--tail-tetragon",
            paramLabel = "FILE",
            description = "follow the file Tetragon writes with --export-filename, through its rotations;"
                    + " repeat for more files")
    List<Path> tailTetragon = List.of();

    @Option(
            names = "--tail-poll-interval",
            defaultValue = "PT0.25S",
            description = "how often tailed files are checked (ISO-8601, default: ${DEFAULT-VALUE})")
    Duration tailPollInterval;

    @Option(
            names = "--idempotency-key-ttl",
            defaultValue = "PT24H",
            description = "how long an ingest request's Idempotency-Key is remembered (ISO-8601, default:"
                    + " ${DEFAULT-VALUE})")
    Duration idempotencyKeyTtl;

    @Option(
            names = "--log-level",
            defaultValue = "info",
            description = "what Sightline's own log shows on stderr: error, warn, info or debug (default:"
                    + " ${DEFAULT-VALUE}); skipped records are warnings. Libraries log warnings and errors only")
    String logLevel;

    @Override
    public Integer call() throws IOException, InterruptedException {
        logAt(logLevel);
        Set<String> knownExploited = kev != null ? KevCatalogue.read(kev) : KevCatalogue.bundled();
        String url = store.url();
        try (Database database = Database.open(url)) {
            if (!new TokenStore(database).hasAdmin()) {
                System.err.println("sightline: no admin token yet. Create one (it is shown once) with:");
                System.err.println("  ./sightline token create --role admin " + store.asArguments());
            }
        }
        EngineConfig engine = new EngineConfig(clockSkew, EngineConfig.DEFAULTS.apiCallWindow());
        if (context != null && kubeconfig == null) {
            throw new IllegalArgumentException("--context needs --kubeconfig FILE");
        }
        for (Path file : tailTetragon) {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException("--tail-tetragon " + file + " is a folder; expected the file"
                        + " Tetragon writes (--export-filename)");
            }
            if (!Files.isDirectory(file.toAbsolutePath().getParent())) {
                throw new IllegalArgumentException("--tail-tetragon " + file + ": its folder does not exist");
            }
        }
        if (tailPollInterval.isZero() && !tailTetragon.isEmpty()) {
            throw new IllegalArgumentException("--tail-poll-interval must be more than zero to tail files");
        }
        IngestConfig ingest = new IngestConfig(tailTetragon, tailPollInterval, idempotencyKeyTtl);
        ServerConfig config = new ServerConfig(
                host,
                port,
                url,
                queueCapacity,
                engine,
                knownExploited,
                Optional.ofNullable(kubeconfig).map(k -> new ClusterTarget(k, Optional.ofNullable(context))),
                ingest,
                Optional.of(store.data));
        SightlineServer server = start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.err.println("sightline: listening on http://" + host + ":" + server.port() + "/api/v1/ (Ctrl-C stops)");
        stopped.await();
        return 0;
    }

    /**
     * The CLI's commands log errors only, as they report every skipped record in their summary; a
     * server has no summary, and its log is where an operator sees what it skipped. Set before the
     * first logger is made, which reads the level once.
     */
    private static void logAt(String level) {
        if (!Set.of("error", "warn", "info", "debug").contains(level)) {
            throw new IllegalArgumentException("--log-level " + level + ": expected one of error, warn, info, debug");
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.sightline", level);
    }

    /** Starts the server; a port already in use is the user's error to fix, said in one line. */
    private static SightlineServer start(ServerConfig config) {
        try {
            return SightlineServer.start(config);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.BindException
                        || cause.getClass().getSimpleName().contains("Bind")) {
                    throw new IllegalArgumentException(
                            "cannot listen on " + config.host() + ":" + config.port()
                                    + ": the port is in use or not allowed; choose another with --port",
                            e);
                }
            }
            throw e;
        }
    }
}
