package io.sightline.server;

import static java.util.Objects.requireNonNull;

import io.sightline.server.api.ApiServer;
import io.sightline.server.ingest.IngestService;
import io.sightline.server.ingest.Tailing;
import io.sightline.server.ingest.TetragonTailer;
import io.sightline.server.live.EngineLoop;
import io.sightline.store.Database;
import io.sightline.store.IdempotencyKeys;
import io.sightline.store.IngestLog;
import io.sightline.store.TailPositions;
import io.sightline.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the store, the engine thread (which first replays the ingest log), the HTTP
 * API and the tailed files. Closing it stops tailing and HTTP, then the engine (queued entries are
 * already in the log), then the store.
 */
public final class SightlineServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SightlineServer.class);

    private final Database database;
    private final EngineLoop engine;
    private final ApiServer api;
    private final TokenStore tokens;
    private final IngestLog log;
    private final Tailing tailing;

    private SightlineServer(
            Database database, EngineLoop engine, ApiServer api, TokenStore tokens, IngestLog log, Tailing tailing) {
        this.database = database;
        this.engine = engine;
        this.api = api;
        this.tokens = tokens;
        this.log = log;
        this.tailing = tailing;
    }

    /** Opens the store, starts the engine and listens. */
    public static SightlineServer start(ServerConfig config) {
        requireNonNull(config, "config is null");
        Database database = Database.open(config.storeUrl());
        try {
            IngestLog log = new IngestLog(database);
            TokenStore tokens = new TokenStore(database);
            EngineLoop engine = new EngineLoop(log, config.knownExploited(), config.engine(), config.queueCapacity());
            IngestService ingest = new IngestService(
                    engine, new IdempotencyKeys(database), config.ingest().idempotencyKeyTtl(), Clock.systemUTC());
            ApiServer api = new ApiServer(engine, ingest, log, tokens);
            Tailing tailing = new Tailing(config.ingest(), ingest, new TailPositions(database));
            engine.start();
            api.start(config.host(), config.port());
            tailing.start();
            return new SightlineServer(database, engine, api, tokens, log, tailing);
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

    /** The followed files, in the order given ({@code --tail-tetragon}). */
    public List<TetragonTailer> tailers() {
        return tailing.tailers();
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
        database.close();
        LOG.info("Server stopped");
    }
}
