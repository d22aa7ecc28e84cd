package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * One JDBC connection to the store, migrated by Flyway on open: SQLite (a file under the data
 * folder, the embedded default) or PostgreSQL ({@code jdbc:postgresql://...}, credentials as URL
 * parameters).
 *
 * <p>Thread safe: every unit of work runs under this object's lock on the one connection. The
 * server writes from ingest threads one batch at a time and reads the log from the engine thread,
 * so one connection is enough; SQLite runs in WAL mode with a busy timeout so that {@code
 * sightline token create} can write while a server holds the file.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final String SQLITE_FILE = "sightline.db";
    private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final String url;
    private final Connection connection;

    private Database(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /**
     * The JDBC URL of the embedded store in {@code dataDir}, created if missing. A folder created here is
     * owner-only ({@code rwx------}): the store holds raw sensor records.
     */
    public static String sqliteUrl(Path dataDir) {
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("expected a data folder, " + dataDir + " is a file");
        }
        try {
            if (!Files.isDirectory(dataDir)) {
                Files.createDirectories(dataDir);
                restrict(dataDir, OWNER_ONLY_FOLDER);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + dataDir, e);
        }
        return "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SQLITE_FILE);
    }

    /**
     * Connects and brings the schema up to date.
     *
     * @throws StoreException when the database cannot be reached or migrated
     */
    public static Database open(String url) {
        requireNonNull(url, "url is null");
        if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "unsupported store URL '" + redact(url) + "': expected jdbc:sqlite:FILE or jdbc:postgresql://...");
        }
        if (url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:sqlite::")) {
            ownerOnlyFile(sqliteFile(url));
        }
        migrate(url);
        try {
            Connection connection = DriverManager.getConnection(url);
            if (url.startsWith("jdbc:sqlite:")) {
                try (Statement statement = connection.createStatement()) {
                    // First: switching to WAL needs a lock that another process may hold a moment.
                    statement.execute("PRAGMA busy_timeout=" + SQLITE_BUSY_TIMEOUT_MILLIS);
                    statement.execute("PRAGMA journal_mode=WAL");
                    statement.execute("PRAGMA synchronous=FULL");
                }
            }
            connection.setAutoCommit(false);
            LOG.info("Store opened url={}", redact(url));
            return new Database(url, connection);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the store " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Brings the schema up to date. SQLite's migration waits for a lock another process holds (a
     * second {@code analyze --history} on the same folder) instead of failing at once.
     */
    private static void migrate(String url) {
        FluentConfiguration flyway = Flyway.configure().locations("classpath:db/migration");
        if (url.startsWith("jdbc:sqlite:")) {
            SQLiteDataSource sqlite = new SQLiteDataSource();
            sqlite.setUrl(url);
            sqlite.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
            flyway.dataSource(sqlite);
        } else {
            flyway.dataSource(url, null, null);
        }
        try {
            flyway.load().migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot bring the store " + redact(url) + " up to date: " + rootReason(e), e);
        }
    }

    private static String rootReason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                Optional.ofNullable(root.getMessage()).orElse(root.getClass().getSimpleName());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    public synchronized <T> T transaction(Work<T> work) {
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollback();
            throw new StoreException("store " + redact(url) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /**
     * Makes the SQLite file owner-only ({@code rw-------}) before SQLite opens it: created empty with that mode when
     * missing (SQLite gives its {@code -wal} and {@code -shm} files the database file's mode), tightened when a
     * store made by an older version is readable by others.
     */
    private static void ownerOnlyFile(Path file) {
        try {
            if (Files.notExists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.createFile(file);
                restrict(file, OWNER_ONLY_FILE);
            } else if (restrict(file, OWNER_ONLY_FILE)) {
                LOG.warn("Store file was readable by others; made owner-only file={}", file);
            }
        } catch (IOException e) {
            throw new StoreException("cannot prepare the store file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Sets POSIX permissions where the file system has them; true when they changed. */
    private static boolean restrict(Path path, Set<PosixFilePermission> wanted) throws IOException {
        if (!Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return false;
        }
        if (Files.getPosixFilePermissions(path).equals(wanted)) {
            return false;
        }
        Files.setPosixFilePermissions(path, wanted);
        return true;
    }

    /** The file of a {@code jdbc:sqlite:FILE[?options]} URL. */
    static Path sqliteFile(String url) {
        String rest = url.substring("jdbc:sqlite:".length());
        int options = rest.indexOf('?');
        return Path.of(options < 0 ? rest : rest.substring(0, options));
    }

    /** The URL with any password parameter masked, fit for a log line. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing the store failed url={} cause={}", redact(url), e.getMessage());
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("Rollback failed url={} cause={}", redact(url), e.getMessage());
        }
    }

    /** A unit of work on the connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
