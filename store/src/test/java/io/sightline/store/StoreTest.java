package io.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreTest {

    @TempDir
    Path dir;

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

            String secret = ingest.substring(ingest.lastIndexOf('_') + 1);
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
