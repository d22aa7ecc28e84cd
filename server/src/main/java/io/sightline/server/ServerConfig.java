package io.sightline.server;

import static java.util.Objects.requireNonNull;

import io.sightline.engine.EngineConfig;
import io.sightline.server.ingest.IngestConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * How a server runs.
 *
 * @param host the address to listen on
 * @param port the port; 0 picks a free one
 * @param storeUrl a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL
 * @param queueCapacity records ingest may put ahead of the engine before it answers 429
 * @param knownExploited CVE ids of the KEV catalogue
 * @param cluster where remediation executes; without one the server plans but does not execute
 * @param ingest file tailing and idempotency keys
 * @param sources the folder of the discovery source registry ({@code sources.json}) that the API's
 *     {@code /api/v1/sources} routes read and write; without one those routes answer 409
 */
public record ServerConfig(
        String host,
        int port,
        String storeUrl,
        int queueCapacity,
        EngineConfig engine,
        Set<String> knownExploited,
        Optional<ClusterTarget> cluster,
        IngestConfig ingest,
        Optional<Path> sources) {

    /**
     * Loopback by default: the API speaks plain HTTP, so tokens cross the network in clear unless a TLS proxy
     * fronts it; listening wider is a choice ({@code --host 0.0.0.0}).
     */
    public static final String DEFAULT_HOST = "127.0.0.1";

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;

    public ServerConfig {
        requireNonNull(host, "host is null");
        requireNonNull(storeUrl, "storeUrl is null");
        requireNonNull(engine, "engine is null");
        knownExploited = Set.copyOf(knownExploited);
        requireNonNull(cluster, "cluster is null");
        requireNonNull(ingest, "ingest is null");
        requireNonNull(sources, "sources is null");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + queueCapacity);
        }
    }

    /** A server with no cluster to remediate in and the default ingest settings: no tailed files. */
    public ServerConfig(
            String host,
            int port,
            String storeUrl,
            int queueCapacity,
            EngineConfig engine,
            Set<String> knownExploited) {
        this(
                host,
                port,
                storeUrl,
                queueCapacity,
                engine,
                knownExploited,
                Optional.empty(),
                IngestConfig.DEFAULTS,
                Optional.empty());
    }

    /** A server with the default ingest settings: no tailed files. */
    public ServerConfig(
            String host,
            int port,
            String storeUrl,
            int queueCapacity,
            EngineConfig engine,
            Set<String> knownExploited,
            Optional<ClusterTarget> cluster) {
        this(
                host,
                port,
                storeUrl,
                queueCapacity,
                engine,
                knownExploited,
                cluster,
                IngestConfig.DEFAULTS,
                Optional.empty());
    }

    /** A server with no cluster to remediate in. */
    public ServerConfig(
            String host,
            int port,
            String storeUrl,
            int queueCapacity,
            EngineConfig engine,
            Set<String> knownExploited,
            IngestConfig ingest) {
        this(host, port, storeUrl, queueCapacity, engine, knownExploited, Optional.empty(), ingest, Optional.empty());
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(
                host, newPort, storeUrl, queueCapacity, engine, knownExploited, cluster, ingest, sources);
    }

    public ServerConfig withQueueCapacity(int capacity) {
        return new ServerConfig(host, port, storeUrl, capacity, engine, knownExploited, cluster, ingest, sources);
    }

    public ServerConfig withCluster(ClusterTarget target) {
        return new ServerConfig(
                host, port, storeUrl, queueCapacity, engine, knownExploited, Optional.of(target), ingest, sources);
    }

    public ServerConfig withIngest(IngestConfig newIngest) {
        return new ServerConfig(
                host, port, storeUrl, queueCapacity, engine, knownExploited, cluster, newIngest, sources);
    }

    /** The same server, with the discovery source registry of {@code folder} behind {@code /api/v1/sources}. */
    public ServerConfig withSources(Path folder) {
        return new ServerConfig(
                host, port, storeUrl, queueCapacity, engine, knownExploited, cluster, ingest, Optional.of(folder));
    }
}
