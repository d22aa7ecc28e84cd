package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/**
 * Where each tailed file was read up to. A position is written only as the {@link
 * IngestLog.Companion} of the lines it moves past, so the log and the positions never disagree.
 *
 * <p>Thread safe.
 */
public final class TailPositions {

    private final Database database;

    public TailPositions(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** The last committed position of {@code path}, if it was ever read. */
    public Optional<TailPosition> find(String path) {
        requireNonNull(path, "path is null");
        return database.transaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT file_key, head_hash, file_offset, line FROM tail_position WHERE path = ?")) {
                query.setString(1, path);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new TailPosition(
                                    path, rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4)))
                            : Optional.empty();
                }
            }
        });
    }

    /** Saves {@code position} in the transaction that logs the lines before it. */
    public static IngestLog.Companion save(TailPosition position) {
        requireNonNull(position, "position is null");
        return (connection, placed) -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO tail_position (path, file_key, head_hash, file_offset, line, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (path) DO UPDATE SET file_key = excluded.file_key,"
                            + " head_hash = excluded.head_hash, file_offset = excluded.file_offset,"
                            + " line = excluded.line, updated_at = excluded.updated_at")) {
                upsert.setString(1, position.path());
                upsert.setString(2, position.fileKey());
                upsert.setString(3, position.headHash());
                upsert.setLong(4, position.offset());
                upsert.setLong(5, position.line());
                upsert.setString(6, Instant.now().toString());
                upsert.executeUpdate();
            }
        };
    }
}
