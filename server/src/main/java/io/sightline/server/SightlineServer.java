package io.sightline.server;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sightline.server.api.ApiServer;
import io.sightline.server.ingest.IngestService;
import io.sightline.server.ingest.Tailing;
import io.sightline.server.ingest.TetragonTailer;
import io.sightline.server.live.EngineLoop;
import io.sightline.server.remediation.ServerRemediation;
import io.sightline.store.AuditStore;
import io.sightline.store.Database;
import io.sightline.store.IdempotencyKeys;
import io.sightline.store.IngestLog;
import io.sightline.store.PatternHistoryStore;
import io.sightline.store.TailPositions;
import io.sightline.store.TokenStore;
import io.sightline.store.TriageStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the store, the engine thread (which first replays the ingest log), the HTTP
 * API, the tailed files and, when a cluster is configured, the Kubernetes client remediation acts
 * through. Closing it stops tailing and HTTP, then the engine (queued entries are already in the
 * log), then the Kubernetes client and the store.
 */
public final class SightlineServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SightlineServer.class);

    private final Database database;
    private final EngineLoop engine;
    private final ApiServer api;
    private final TokenStore tokens;
    private final IngestLog log;
    private final Tailing tailing;
    private final ServerRemediation remediation;

    private SightlineServer(
            Database database,
            EngineLoop engine,
            ApiServer api,
            TokenStore tokens,
            IngestLog log,
            Tailing tailing,
            ServerRemediation remediation) {
        this.database = database;
        this.engine = engine;
        this.api = api;
        this.tokens = tokens;
        this.log = log;
        this.tailing = tailing;
        this.remediation = remediation;
    }

    /** Opens the store, starts the engine and listens. */
    public static SightlineServer start(ServerConfig config) {
        requireNonNull(config, "config is null");
        Optional<KubernetesClient> cluster = config.cluster().map(SightlineServer::connect);
        Database database = Database.open(config.storeUrl());
        try {
            IngestLog log = new IngestLog(database);
            TokenStore tokens = new TokenStore(database);
            EngineLoop engine = new EngineLoop(
                    log,
                    config.knownExploited(),
                    config.engine(),
                    config.queueCapacity(),
                    Optional.of(new PatternHistoryStore(database)));
            IngestService ingest = new IngestService(
                    engine, new IdempotencyKeys(database), config.ingest().idempotencyKeyTtl(), Clock.systemUTC());
            ServerRemediation remediation = new ServerRemediation(
                    engine, log, new AuditStore(database), new TriageStore(database), cluster, Clock.systemUTC());
            ApiServer api = new ApiServer(engine, ingest, log, tokens, remediation, config.sources());
            Tailing tailing = new Tailing(config.ingest(), ingest, new TailPositions(database));
            engine.start();
            api.start(config.host(), config.port());
            tailing.start();
            return new SightlineServer(database, engine, api, tokens, log, tailing, remediation);
        } catch (RuntimeException e) {
            cluster.ifPresent(KubernetesClient::close);
            database.close();
            throw e;
        }
    }

    /**
     * A client for the configured cluster. Nothing is contacted yet: an unreachable cluster shows
     * up as failed actions when a plan is executed, not as a server that will not start.
     */
    private static KubernetesClient connect(ClusterTarget target) {
        if (!Files.isRegularFile(target.kubeconfig())) {
            throw new IllegalArgumentException("kubeconfig " + target.kubeconfig() + ": no such file");
        }
        Config config = Config.fromKubeconfig(
                target.context().orElse(null), target.kubeconfig().toFile());
        LOG.info(
                "Remediation cluster kubeconfig={} context={} server={}",
                target.kubeconfig(),
                target.context().orElse("(current)"),
                config.getMasterUrl());
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public int port() {
        return api.port();
    }

    public EngineLoop engine() {
        return engine;
    }

    public ApiServer api() {
        return api;
    }

    public TokenStore tokens() {
        return tokens;
    }

    /** The followed files, in the order given ({@code --tail-tetragon}). */
    public List<TetragonTailer> tailers() {
        return tailing.tailers();
    }

    public ServerRemediation remediation() {
        return remediation;
    }

    /**
     * Waits until the engine applied everything acknowledged so far (the log's last entry when
     * called); false on timeout.
     */
    public boolean awaitIngested(Duration timeout) throws InterruptedException {
        return engine.awaitApplied(log.lastSeq(), timeout);
    }

    @Override
    public void close() {
        tailing.close();
        api.close();
        engine.close();
        remediation.close();
        database.close();
        LOG.info("Server stopped");
    }
}
