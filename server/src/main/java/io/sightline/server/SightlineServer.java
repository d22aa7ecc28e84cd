package io.sightline.server;

import static java.util.Objects.requireNonNull;

import io.sightline.server.api.ApiServer;
import io.sightline.server.live.EngineLoop;
import io.sightline.store.Database;
import io.sightline.store.IngestLog;
import io.sightline.store.TokenStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the store, the engine thread (which first replays the ingest log) and the
 * HTTP API. Closing it stops HTTP, then the engine (queued entries are already in the log), then
 * the store.
 */
public final class SightlineServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SightlineServer.class);

    private final Database database;
    private final EngineLoop engine;
    private final ApiServer api;
    private final TokenStore tokens;
    private final IngestLog log;

    private SightlineServer(Database database, EngineLoop engine, ApiServer api, TokenStore tokens, IngestLog log) {
        this.database = database;
        this.engine = engine;
        this.api = api;
        this.tokens = tokens;
        this.log = log;
    }

    /** Opens the store, starts the engine and listens. */
    public static SightlineServer start(ServerConfig config) {
        requireNonNull(config, "config is null");
        Database database = Database.open(config.storeUrl());
        try {
            IngestLog log = new IngestLog(database);
            TokenStore tokens = new TokenStore(database);
            EngineLoop engine = new EngineLoop(log, config.knownExploited(), config.engine(), config.queueCapacity());
            ApiServer api = new ApiServer(engine, log, tokens);
            engine.start();
            api.start(config.host(), config.port());
            return new SightlineServer(database, engine, api, tokens, log);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
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

    /**
     * Waits until the engine applied everything acknowledged so far (the log's last entry when
     * called); false on timeout.
     */
    public boolean awaitIngested(Duration timeout) throws InterruptedException {
        return engine.awaitApplied(log.lastSeq(), timeout);
    }

    @Override
    public void close() {
        api.close();
        engine.close();
        database.close();
        LOG.info("Server stopped");
    }
}
