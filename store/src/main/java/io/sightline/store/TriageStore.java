package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The triage status of storyboards, each change committed together with its audit record.
 *
 * <p>Thread safe, through the database's one connection.
 */
public final class TriageStore {

    private final Database database;

    public TriageStore(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** The result of {@link #set}: the status before and the audit record written. */
    public record Change(TriageStatus from, TriageStatus to, AuditRecord audit) {

        public Change {
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
            requireNonNull(audit, "audit is null");
        }

        public boolean changed() {
            return from != to;
        }
    }

    /** The status of one storyboard; {@link TriageStatus#OPEN} when none was ever set. */
    public TriageStatus status(String storyboard) {
        requireNonNull(storyboard, "storyboard is null");
        return database.transaction(connection -> {
            try (PreparedStatement query =
                    connection.prepareStatement("SELECT status FROM storyboard_triage WHERE storyboard = ?")) {
                query.setString(1, storyboard);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? TriageStatus.valueOf(rows.getString(1)) : TriageStatus.OPEN;
                }
            }
        });
    }

    /** Every storyboard whose status was ever set, with it; the others are open. */
    public Map<String, TriageStatus> all() {
        return database.transaction(connection -> {
            Map<String, TriageStatus> statuses = new HashMap<>();
            try (PreparedStatement query =
                            connection.prepareStatement("SELECT storyboard, status FROM storyboard_triage");
                    ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    statuses.put(rows.getString(1), TriageStatus.valueOf(rows.getString(2)));
                }
            }
            return Map.copyOf(statuses);
        });
    }

    /**
     * Sets a storyboard's status as {@code by} and appends the audit record of it (action
     * {@code triage}, status {@code changed} or {@code unchanged}) in the same transaction.
     */
    public Change set(String storyboard, TriageStatus status, Principal by, Instant at) {
        requireNonNull(storyboard, "storyboard is null");
        requireNonNull(status, "status is null");
        requireNonNull(by, "by is null");
        requireNonNull(at, "at is null");
        return database.transaction(connection -> {
            Optional<TriageStatus> before;
            try (PreparedStatement query =
                    connection.prepareStatement("SELECT status FROM storyboard_triage WHERE storyboard = ?")) {
                query.setString(1, storyboard);
                try (ResultSet rows = query.executeQuery()) {
                    before = rows.next() ? Optional.of(TriageStatus.valueOf(rows.getString(1))) : Optional.empty();
                }
            }
            TriageStatus from = before.orElse(TriageStatus.OPEN);
            if (from != status) {
                String sql = before.isPresent()
                        ? "UPDATE storyboard_triage SET status = ?, changed_at = ?, token_id = ?, token_role = ?"
                                + " WHERE storyboard = ?"
                        : "INSERT INTO storyboard_triage (status, changed_at, token_id, token_role, storyboard)"
                                + " VALUES (?, ?, ?, ?, ?)";
                try (PreparedStatement write = connection.prepareStatement(sql)) {
                    write.setString(1, status.name());
                    write.setString(2, at.toString());
                    write.setString(3, by.tokenId());
                    write.setString(4, by.role().name());
                    write.setString(5, storyboard);
                    write.executeUpdate();
                }
            }
            AuditRecord audit = AuditStore.insert(
                    connection,
                    new AuditRecord.Pending(
                            at,
                            by,
                            storyboard,
                            "triage",
                            storyboard,
                            from == status ? "unchanged" : "changed",
                            from == status
                                    ? "already " + status.label()
                                    : "status " + from.label() + " -> " + status.label(),
                            "[]"));
            return new Change(from, status, audit);
        });
    }
}
