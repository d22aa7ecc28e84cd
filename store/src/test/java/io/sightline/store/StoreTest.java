package io.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreTest {

    @TempDir
    Path dir;

    @Test
    void aDataFolderThatIsAFileIsNamedAsSuch() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("data"), "not a folder");

        assertThatThrownBy(() -> Database.sqliteUrl(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a data folder, " + file + " is a file");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void logKeepsOrderAndStreamSequencesAcrossReopen(String kind) throws Exception {
        String url = TestStores.url(kind, dir);
        try (Database database = Database.open(url)) {
            IngestLog log = new IngestLog(database);
            List<LogEntry> first = log.append(List.of(
                    telemetry("ingest/tetragon", "{\"a\":1}"),
                    telemetry("ingest/falco", "{\"b\":1}"),
                    telemetry("ingest/tetragon", "{\"a\":2}")));
            assertThat(first).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L);
            assertThat(first).extracting(LogEntry::streamSeq).containsExactly(1L, 1L, 2L);
        }
        try (Database database = Database.open(url)) {
            IngestLog log = new IngestLog(database);
            assertThat(log.lastSeq()).isEqualTo(3);
            LogEntry next = log.append(List.of(telemetry("ingest/tetragon", "{\"a\":3}")))
                    .getFirst();
            assertThat(next.seq()).isEqualTo(4);
            assertThat(next.streamSeq()).isEqualTo(3);

            List<LogEntry> read = new ArrayList<>();
            log.read(2, 4, read::add);
            assertThat(read).extracting(LogEntry::body).containsExactly("{\"b\":1}", "{\"a\":2}", "{\"a\":3}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void tokensVerifyByRoleAndAreNeverStoredInClear(String kind) throws Exception {
        String url = TestStores.url(kind, dir);
        try (Database database = Database.open(url)) {
            TokenStore tokens = new TokenStore(database);
            assertThat(tokens.hasAdmin()).isFalse();
            String ingest = tokens.create(Role.INGEST);
            String admin = tokens.create(Role.ADMIN);

            assertThat(tokens.verify(ingest)).contains(Role.INGEST);
            assertThat(tokens.verify(admin)).contains(Role.ADMIN);
            assertThat(tokens.hasAdmin()).isTrue();
            assertThat(tokens.verify(ingest + "x")).isEmpty();
            assertThat(tokens.verify("sl_000000000000_nope")).isEmpty();
            assertThat(tokens.verify("Bearer")).isEmpty();

            String secret = ingest.substring(ingest.indexOf('_', "sl_".length()) + 1);
            assertThat(secret).hasSize(43);
            List<String> stored = database.transaction(connection -> {
                List<String> values = new ArrayList<>();
                try (var rows = connection.createStatement().executeQuery("SELECT * FROM api_token")) {
                    while (rows.next()) {
                        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                            values.add(rows.getString(i));
                        }
                    }
                }
                return values;
            });
            assertThat(stored).noneMatch(value -> value.contains(secret));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTailPositionCommitsAndRollsBackWithItsEntries(String kind) throws Exception {
        String url = TestStores.url(kind, dir);
        try (Database database = Database.open(url)) {
            IngestLog log = new IngestLog(database);
            TailPositions positions = new TailPositions(database);
            assertThat(positions.find("/var/log/tetragon.log")).isEmpty();

            log.append(
                    List.of(telemetry("ingest/tetragon", "{\"a\":1}")),
                    TailPositions.save(new TailPosition("/var/log/tetragon.log", "(dev=1,ino=2)", "ab", 10, 1)));
            assertThat(log.append(
                            List.of(),
                            TailPositions.save(
                                    new TailPosition("/var/log/tetragon.log", "(dev=1,ino=2)", "ab", 25, 3))))
                    .as("skipped lines move the position without an entry")
                    .isEmpty();
            IngestLog.Companion failing = (connection, placed) -> {
                TailPositions.save(new TailPosition("/var/log/tetragon.log", "(dev=1,ino=2)", "ab", 99, 9))
                        .write(connection, placed);
                throw new java.sql.SQLException("disk full");
            };
            assertThatThrownBy(() -> log.append(List.of(telemetry("ingest/tetragon", "{\"a\":2}")), failing))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("disk full");

            assertThat(positions.find("/var/log/tetragon.log"))
                    .contains(new TailPosition("/var/log/tetragon.log", "(dev=1,ino=2)", "ab", 25, 3));
            List<LogEntry> read = new ArrayList<>();
            log.read(1, 10, read::add);
            assertThat(read).extracting(LogEntry::body).containsExactly("{\"a\":1}");
        }
        try (Database database = Database.open(url)) {
            IngestLog log = new IngestLog(database);
            assertThat(log.lastSeq())
                    .as("the failed append left no entry behind")
                    .isEqualTo(1);
            assertThat(log.append(List.of(telemetry("ingest/tetragon", "{\"a\":3}")))
                            .getFirst()
                            .streamSeq())
                    .isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void idempotencyKeysAreFoundUntilTheyExpire(String kind) throws Exception {
        String url = TestStores.url(kind, dir);
        Instant now = Instant.parse("2024-11-14T09:00:00Z");
        try (Database database = Database.open(url)) {
            IngestLog log = new IngestLog(database);
            IdempotencyKeys keys = new IdempotencyKeys(database);
            String route = "/api/v1/ingest/falco";
            log.append(
                    List.of(telemetry("ingest/falco", "{\"b\":1}"), telemetry("ingest/falco", "{\"b\":2}")),
                    IdempotencyKeys.remember(placed -> new IdempotencyKeys.Receipt(
                            route,
                            "k-1",
                            "hash",
                            "{\"accepted\":2}",
                            placed.getFirst().seq(),
                            placed.getLast().seq(),
                            now,
                            now.plus(Duration.ofHours(1)))));

            IdempotencyKeys.Receipt found =
                    keys.find(route, "k-1", now.plusSeconds(60)).orElseThrow();
            assertThat(found.response()).isEqualTo("{\"accepted\":2}");
            assertThat(found.firstSeq()).isEqualTo(1);
            assertThat(found.lastSeq()).isEqualTo(2);
            assertThat(keys.find("/api/v1/ingest/tetragon", "k-1", now))
                    .as("keys are per route")
                    .isEmpty();
            assertThat(keys.find(route, "k-1", now.plus(Duration.ofHours(1))))
                    .as("expired")
                    .isEmpty();

            assertThat(keys.purgeExpired(now.plus(Duration.ofMinutes(59)))).isZero();
            assertThat(keys.purgeExpired(now.plus(Duration.ofHours(2)))).isEqualTo(1);
            assertThat(keys.find(route, "k-1", now)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void triageStatusIsKeptAcrossReopenAndEachChangeIsAudited(String kind) throws Exception {
        String url = TestStores.url(kind, dir);
        Principal alice = new Principal("tok1", Role.OPERATOR);
        Instant at = Instant.parse("2024-11-14T10:00:00Z");
        try (Database database = Database.open(url)) {
            TriageStore triage = new TriageStore(database);
            assertThat(triage.status("sb-1")).isEqualTo(TriageStatus.OPEN);

            TriageStore.Change acknowledged = triage.set("sb-1", TriageStatus.ACKNOWLEDGED, alice, at);
            assertThat(acknowledged.changed()).isTrue();
            assertThat(acknowledged.audit().message()).isEqualTo("status open -> acknowledged");
            TriageStore.Change again = triage.set("sb-1", TriageStatus.ACKNOWLEDGED, alice, at.plusSeconds(1));
            assertThat(again.changed()).isFalse();
            assertThat(again.audit().status()).isEqualTo("unchanged");
            triage.set("sb-1", TriageStatus.RESOLVED, alice, at.plusSeconds(2));
        }
        try (Database database = Database.open(url)) {
            assertThat(new TriageStore(database).all()).isEqualTo(Map.of("sb-1", TriageStatus.RESOLVED));
            assertThat(new AuditStore(database).newest(Optional.of("sb-1"), 10))
                    .extracting(r -> r.action() + " " + r.status() + " " + r.message() + " " + r.by().tokenId())
                    .containsExactly(
                            "triage changed status acknowledged -> resolved tok1",
                            "triage unchanged already acknowledged tok1",
                            "triage changed status open -> acknowledged tok1");
        }
        assertThatThrownBy(() -> TriageStatus.parse("closed"))
                .hasMessage("unknown status 'closed': expected one of open, acknowledged, resolved");
    }

    @Test
    void refusesUrlsOfOtherDatabases() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/x?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected jdbc:sqlite:FILE or jdbc:postgresql://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void roleParsingNamesTheChoices() {
        assertThat(Role.parse("viewer")).isEqualTo(Role.VIEWER);
        assertThatThrownBy(() -> Role.parse("root"))
                .hasMessage("unknown role 'root': expected one of ingest, viewer, operator, admin");
    }

    private static LogEntry.Pending telemetry(String stream, String body) {
        return new LogEntry.Pending(stream, LogEntry.Kind.TELEMETRY, stream, body);
    }
}
