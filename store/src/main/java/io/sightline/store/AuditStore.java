package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The remediation audit trail: one row per executed action, appended and never changed.
 *
 * <p>Thread safe. Ids are assigned inside the appending transaction, under the database's lock,
 * so one server owns a store at a time (as for the ingest log).
 */
public final class AuditStore {

    private static final String COLUMNS =
            "id, executed_at, token_id, token_role, storyboard, action, target, status, message, api_calls";

    private final Database database;

    public AuditStore(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Appends one record; when this returns it is committed. */
    public AuditRecord append(AuditRecord.Pending pending) {
        requireNonNull(pending, "pending is null");
        return database.transaction(connection -> insert(connection, pending));
    }

    /** Appends one record inside a transaction of the caller's (the triage change and its record). */
    static AuditRecord insert(Connection connection, AuditRecord.Pending pending) throws SQLException {
        AuditRecord record = new AuditRecord(
                maxId(connection) + 1,
                pending.executedAt(),
                pending.by(),
                pending.storyboard(),
                pending.action(),
                pending.target(),
                pending.status(),
                pending.message(),
                pending.apiCalls());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO remediation_audit (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, record.id());
            insert.setString(2, record.executedAt().toString());
            insert.setString(3, record.by().tokenId());
            insert.setString(4, record.by().role().name());
            insert.setString(5, record.storyboard());
            insert.setString(6, record.action());
            insert.setString(7, record.target());
            insert.setString(8, record.status());
            insert.setString(9, record.message());
            insert.setString(10, record.apiCalls());
            insert.executeUpdate();
        }
        return record;
    }

    /** The newest {@code limit} records, of one storyboard or of all, newest first. */
    public List<AuditRecord> newest(Optional<String> storyboard, int limit) {
        requireNonNull(storyboard, "storyboard is null");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        String where = storyboard.isPresent() ? " WHERE storyboard = ?" : "";
        return database.transaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM remediation_audit" + where + " ORDER BY id DESC LIMIT " + limit)) {
                if (storyboard.isPresent()) {
                    query.setString(1, storyboard.get());
                }
                List<AuditRecord> records = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        records.add(new AuditRecord(
                                rows.getLong(1),
                                Instant.parse(rows.getString(2)),
                                new Principal(rows.getString(3), Role.valueOf(rows.getString(4))),
                                rows.getString(5),
                                rows.getString(6),
                                rows.getString(7),
                                rows.getString(8),
                                rows.getString(9),
                                rows.getString(10)));
                    }
                }
                return records;
            }
        });
    }

    private static long maxId(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT MAX(id) FROM remediation_audit");
                ResultSet rows = query.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }
}
