package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.store.Database;
import io.sightline.store.IngestLog;
import io.sightline.store.PatternHistoryStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server keeps the engine's pattern counts in its own store: written back when it stops,
 * loaded when it starts, and a restart's replay of the log does not count the same records twice.
 */
class PatternHistoryTest {

    private static final Path LOG4SHELL = Scenario.examples().resolve("log4shell-lateral");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void countsAreKeptOnCloseAndAReplayDoesNotCountThemAgain(String kind) throws Exception {
        String url = TestServer.storeUrl(kind, dir);
        Scenario scenario = new Scenario(LOG4SHELL);
        try (TestServer first = TestServer.start(url)) {
            scenario.uploadDocuments(first);
            scenario.postDelivered(first, scenario.inDeliveryOrder(), 300);
            first.awaitIngested();
        }
        long afterFirst = gzipSpawns(url);
        long logSeq = lastSeq(url);

        try (TestServer second = TestServer.start(url)) {
            second.awaitIngested();
        }

        // The scenario's python3.7 service spawns sh -c "gzip ..." 7 times (analyze says "seen 7
        // times" of that trail); the restart replays those records and must not add them again.
        assertThat(afterFirst).isEqualTo(7);
        assertThat(gzipSpawns(url)).isEqualTo(7);
        try (Database database = Database.open(url)) {
            assertThat(new PatternHistoryStore(database).mergedThroughSeq()).isEqualTo(logSeq);
            assertThat(new PatternHistoryStore(database).load().size()).isPositive();
        }
    }

    private static long gzipSpawns(String url) {
        try (Database database = Database.open(url)) {
            return database.transaction(connection -> {
                try (PreparedStatement query = connection.prepareStatement(
                        "SELECT SUM(seen_count) FROM pattern_history WHERE behaviour = 'python3.7>sh gzip'")) {
                    try (ResultSet rows = query.executeQuery()) {
                        return rows.next() ? rows.getLong(1) : 0L;
                    }
                }
            });
        }
    }

    private static long lastSeq(String url) {
        try (Database database = Database.open(url)) {
            return new IngestLog(database).lastSeq();
        }
    }
}
