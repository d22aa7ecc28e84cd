package io.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenLifecycleTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void listedTokensShowIdAndRoleAndARevokedOneStopsWorking(String kind) throws Exception {
        try (Database database = Database.open(TestStores.url(kind, dir))) {
            TokenStore tokens = new TokenStore(database);
            String ingest = tokens.create(Role.INGEST);
            String viewer = tokens.create(Role.VIEWER);
            String ingestId = idOf(ingest);

            assertThat(tokens.list())
                    .extracting(TokenInfo::id, TokenInfo::role)
                    .containsExactlyInAnyOrder(tuple(ingestId, Role.INGEST), tuple(idOf(viewer), Role.VIEWER));
            assertThat(tokens.verify(ingest)).contains(Role.INGEST);

            assertThat(tokens.revoke(ingestId)).isTrue();

            assertThat(tokens.verify(ingest)).isEmpty();
            assertThat(tokens.verify(viewer)).contains(Role.VIEWER);
            assertThat(tokens.list()).extracting(TokenInfo::id).containsExactly(idOf(viewer));
            assertThat(tokens.revoke(ingestId)).isFalse();
        }
    }

    @Test
    void aTokenRevokedByAnotherProcessStopsWorkingOnceItsCachedRowExpires() throws Exception {
        String url = TestStores.url("sqlite", dir);
        AtomicLong nanos = new AtomicLong();
        try (Database server = Database.open(url);
                Database cli = Database.open(url)) {
            TokenStore serverTokens = new TokenStore(server, nanos::get);
            String token = new TokenStore(cli).create(Role.OPERATOR);
            assertThat(serverTokens.verify(token)).contains(Role.OPERATOR);

            new TokenStore(cli).revoke(idOf(token));

            nanos.addAndGet(
                    TokenStore.CACHE_LIFETIME.minus(Duration.ofMillis(1)).toNanos());
            assertThat(serverTokens.verify(token)).contains(Role.OPERATOR);
            nanos.addAndGet(Duration.ofMillis(1).toNanos());
            assertThat(serverTokens.verify(token)).isEmpty();
        }
    }

    @Test
    void theEmbeddedStoreIsOwnerOnly() throws Exception {
        Path data = dir.resolve("sightline-data");

        try (Database database = Database.open(Database.sqliteUrl(data))) {
            new TokenStore(database).create(Role.ADMIN);
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("sightline.db"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aStoreFileReadableByOthersIsTightenedOnOpen() throws Exception {
        Path file = dir.resolve("old.db");
        Files.createFile(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        try (Database database = Database.open("jdbc:sqlite:" + file)) {
            assertThat(new TokenStore(database).hasAdmin()).isFalse();
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    private static String idOf(String token) {
        return token.substring("sl_".length(), token.indexOf('_', "sl_".length()));
    }
}
