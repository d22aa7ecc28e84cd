package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The idempotency keys of ingest requests, each with the answer its request got. A key is written
 * only as the {@link IngestLog.Companion} of the entries its request logged, so a key is known if
 * and only if its records are in the log. Keys past their expiry are not found and are purged.
 *
 * <p>Thread safe.
 */
public final class IdempotencyKeys {

    private final Database database;

    public IdempotencyKeys(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** The receipt of {@code key} on {@code route}, unless there is none or it expired by {@code now}. */
    public Optional<Receipt> find(String route, String key, Instant now) {
        requireNonNull(route, "route is null");
        requireNonNull(key, "key is null");
        requireNonNull(now, "now is null");
        return database.transaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT request_hash, response, first_seq, last_seq, created_at, expires_at"
                            + " FROM idempotency_key WHERE route = ? AND idem_key = ? AND expires_at > ?")) {
                query.setString(1, route);
                query.setString(2, key);
                query.setLong(3, now.toEpochMilli());
                try (ResultSet rows = query.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Receipt(
                            route,
                            key,
                            rows.getString(1),
                            rows.getString(2),
                            rows.getLong(3),
                            rows.getLong(4),
                            Instant.parse(rows.getString(5)),
                            Instant.ofEpochMilli(rows.getLong(6))));
                }
            }
        });
    }

    /**
     * Remembers a receipt, made from the entries as placed, in the transaction that logs them. An
     * expired receipt of the same key is replaced.
     */
    public static IngestLog.Companion remember(Function<List<LogEntry>, Receipt> receipt) {
        requireNonNull(receipt, "receipt is null");
        return (connection, placed) -> insert(connection, receipt.apply(placed));
    }

    /** Deletes the receipts that expired by {@code now}; returns how many. */
    public int purgeExpired(Instant now) {
        requireNonNull(now, "now is null");
        return database.transaction(connection -> {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM idempotency_key WHERE expires_at <= ?")) {
                delete.setLong(1, now.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }

    private static void insert(Connection connection, Receipt receipt) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM idempotency_key WHERE route = ? AND idem_key = ?")) {
            delete.setString(1, receipt.route());
            delete.setString(2, receipt.key());
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO idempotency_key (route, idem_key, request_hash, response, first_seq, last_seq,"
                        + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, receipt.route());
            insert.setString(2, receipt.key());
            insert.setString(3, receipt.requestHash());
            insert.setString(4, receipt.response());
            insert.setLong(5, receipt.firstSeq());
            insert.setLong(6, receipt.lastSeq());
            insert.setString(7, receipt.createdAt().toString());
            insert.setLong(8, receipt.expiresAt().toEpochMilli());
            insert.executeUpdate();
        }
    }

    /**
     * What a request with an idempotency key got.
     *
     * @param route the route it was sent to, the key's scope
     * @param requestHash hex SHA-256 of what was sent, to tell a retry from another request that
     *     reuses the key
     * @param response the answer's body, given again to a retry
     * @param firstSeq first log seq the request wrote
     * @param lastSeq last log seq the request wrote
     */
    public record Receipt(
            String route,
            String key,
            String requestHash,
            String response,
            long firstSeq,
            long lastSeq,
            Instant createdAt,
            Instant expiresAt) {

        public Receipt {
            requireNonNull(route, "route is null");
            requireNonNull(key, "key is null");
            requireNonNull(requestHash, "requestHash is null");
            requireNonNull(response, "response is null");
            requireNonNull(createdAt, "createdAt is null");
            requireNonNull(expiresAt, "expiresAt is null");
        }
    }
}
