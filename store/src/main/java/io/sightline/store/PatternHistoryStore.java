package io.sightline.store;

import static java.util.Objects.requireNonNull;

import io.sightline.engine.rarity.BehaviourPattern;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.engine.rarity.RunCount;
import io.sightline.engine.rarity.Sightings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history of behaviour patterns the engine judges rarity with: loaded whole when an engine is
 * built, and a run's counts merged in (see {@link Sightings#plus} for how days are counted).
 *
 * <p>TODO: rows are never pruned, so the table grows with the variety of patterns ever seen; a
 * pattern unseen for months could be dropped, but then it would count as new again, so pruning
 * wants a rule of its own.
 *
 * <p>Thread safe, through the database's one connection.
 */
public final class PatternHistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(PatternHistoryStore.class);

    /** The width of the table's key columns. */
    static final int MAX_KEY_LENGTH = 512;

    private final Database database;

    public PatternHistoryStore(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    public PatternHistory load() {
        return database.transaction(connection -> {
            Map<BehaviourPattern, Sightings> all = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement(
                            "SELECT scope, behaviour, seen_count, seen_days, first_seen, last_seen FROM pattern_history");
                    ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    BehaviourPattern pattern = new BehaviourPattern(rows.getString(1), rows.getString(2));
                    try {
                        all.put(
                                pattern,
                                new Sightings(
                                        rows.getLong(3),
                                        rows.getInt(4),
                                        Instant.parse(rows.getString(5)),
                                        Instant.parse(rows.getString(6))));
                    } catch (DateTimeException | IllegalArgumentException e) {
                        throw new StoreException(
                                "pattern_history row " + pattern + ": expected first_seen and last_seen as"
                                        + " ISO-8601 instants and counts of 1 or more: " + e.getMessage(),
                                e);
                    }
                }
            }
            return PatternHistory.of(all);
        });
    }

    /**
     * Merges one run's counts in one transaction. A pattern whose scope or behaviour is longer
     * than the table's 512 characters is not kept (it would not fit the key), and is counted in
     * the result.
     *
     * @return how many counts were too long to keep
     */
    public int merge(List<RunCount> counts) {
        requireNonNull(counts, "counts is null");
        return counts.isEmpty() ? 0 : merge(counts, OptionalLong.empty());
    }

    /**
     * Merges the counts of the ingest log's entries up to {@code seq} and records that seq as
     * merged ({@link #mergedThroughSeq()}), in one transaction.
     *
     * @return how many counts were too long to keep
     */
    public int merge(List<RunCount> counts, long seq) {
        requireNonNull(counts, "counts is null");
        return merge(counts, OptionalLong.of(seq));
    }

    /** The last ingest log entry whose counts were merged; 0 when none were. */
    public long mergedThroughSeq() {
        return database.transaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                            "SELECT merged_through FROM pattern_history_mark WHERE id = 1");
                    ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0L;
            }
        });
    }

    private int merge(List<RunCount> counts, OptionalLong seq) {
        int tooLong = database.transaction(connection -> {
            if (seq.isPresent()) {
                mark(connection, seq.getAsLong());
            }
            int skipped = 0;
            for (RunCount count : counts) {
                BehaviourPattern pattern = count.pattern();
                if (pattern.scope().length() > MAX_KEY_LENGTH
                        || pattern.behaviour().length() > MAX_KEY_LENGTH) {
                    skipped++;
                    continue;
                }
                Optional<Sightings> before = find(connection, pattern);
                if (before.isPresent()) {
                    update(connection, pattern, before.get().plus(count));
                } else {
                    insert(connection, pattern, Sightings.of(count));
                }
            }
            return skipped;
        });
        if (tooLong > 0) {
            LOG.warn(
                    "Pattern history skipped patterns longer than the key allows skipped={} maxLength={}",
                    tooLong,
                    MAX_KEY_LENGTH);
        }
        return tooLong;
    }

    private static void mark(Connection connection, long seq) throws SQLException {
        int updated;
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE pattern_history_mark SET merged_through = ? WHERE id = 1")) {
            update.setLong(1, seq);
            updated = update.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO pattern_history_mark (id, merged_through) VALUES (1, ?)")) {
                insert.setLong(1, seq);
                insert.executeUpdate();
            }
        }
    }

    private static Optional<Sightings> find(Connection connection, BehaviourPattern pattern) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT seen_count, seen_days, first_seen, last_seen FROM pattern_history"
                        + " WHERE scope = ? AND behaviour = ?")) {
            query.setString(1, pattern.scope());
            query.setString(2, pattern.behaviour());
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Sightings(
                        rows.getLong(1),
                        rows.getInt(2),
                        Instant.parse(rows.getString(3)),
                        Instant.parse(rows.getString(4))));
            }
        }
    }

    private static void update(Connection connection, BehaviourPattern pattern, Sightings seen) throws SQLException {
        write(
                connection,
                "UPDATE pattern_history SET seen_count = ?, seen_days = ?, first_seen = ?, last_seen = ?"
                        + " WHERE scope = ? AND behaviour = ?",
                pattern,
                seen);
    }

    private static void insert(Connection connection, BehaviourPattern pattern, Sightings seen) throws SQLException {
        write(
                connection,
                "INSERT INTO pattern_history (seen_count, seen_days, first_seen, last_seen, scope, behaviour)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                pattern,
                seen);
    }

    private static void write(Connection connection, String sql, BehaviourPattern pattern, Sightings seen)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, seen.count());
            statement.setInt(2, seen.days());
            statement.setString(3, seen.firstSeen().toString());
            statement.setString(4, seen.lastSeen().toString());
            statement.setString(5, pattern.scope());
            statement.setString(6, pattern.behaviour());
            statement.executeUpdate();
        }
    }
}
