package io.sightline.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Store URLs for tests: a SQLite file in a temporary folder, or a fresh schema in the PostgreSQL
 * server named by the environment variable {@code SIGHTLINE_TEST_PG_URL} (a JDBC URL with user
 * and password parameters). Without that variable PostgreSQL tests are skipped, and say so.
 */
final class TestStores {

    static final String PG_ENV = "SIGHTLINE_TEST_PG_URL";

    private TestStores() {}

    static String url(String kind, Path dir) throws SQLException {
        return switch (kind) {
            case "sqlite" -> Database.sqliteUrl(dir);
            case "postgresql" -> freshPostgresSchema();
            default -> throw new IllegalArgumentException("unknown store kind " + kind);
        };
    }

    private static String freshPostgresSchema() throws SQLException {
        String base = System.getenv(PG_ENV);
        assumeTrue(
                base != null && !base.isBlank(),
                "PostgreSQL test skipped: set " + PG_ENV + " to a jdbc:postgresql:// URL (.ci/run does)");
        String schema = "t_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(base);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
