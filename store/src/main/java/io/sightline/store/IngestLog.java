package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The append-only log of everything the server acknowledged. An entry is committed before the
 * request that brought it is answered, and replaying the log in {@code seq} order rebuilds the
 * engine's state.
 *
 * <p>Thread safe. Sequence numbers are assigned here, under the database lock, so one server owns
 * a store at a time: two servers appending to one PostgreSQL database would collide on {@code
 * seq} (the primary key refuses the second, nothing is overwritten).
 */
public final class IngestLog {

    private static final int PAGE = 2_000;

    private final Database database;
    private final Map<String, Long> streamSeqs = new HashMap<>();
    private long lastSeq;

    public IngestLog(Database database) {
        this.database = requireNonNull(database, "database is null");
        this.lastSeq = database.transaction(IngestLog::maxSeq);
    }

    /** The seq of the last entry, 0 when the log is empty. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /**
     * Appends entries in one transaction and returns them placed, in order. When this returns the
     * entries are committed.
     */
    public List<LogEntry> append(List<LogEntry.Pending> pending) {
        return append(pending, Companion.NONE);
    }

    /**
     * Appends entries and runs {@code companion} in the same transaction, after the entries are
     * placed: both commit or neither does. The transaction runs even when {@code pending} is
     * empty, so that a companion write (a tail position past skipped lines) is kept.
     */
    public synchronized List<LogEntry> append(List<LogEntry.Pending> pending, Companion companion) {
        requireNonNull(pending, "pending is null");
        requireNonNull(companion, "companion is null");
        Instant now = Instant.now();
        List<LogEntry> placed = database.transaction(connection -> {
            List<LogEntry> entries = new ArrayList<>(pending.size());
            Map<String, Long> next = new HashMap<>();
            long seq = lastSeq;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO ingest_log (seq, stream, stream_seq, kind, name, received_at, body)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (LogEntry.Pending p : pending) {
                    long streamSeq = next.computeIfAbsent(p.stream(), s -> streamSeq(connection, s)) + 1;
                    next.put(p.stream(), streamSeq);
                    LogEntry entry = new LogEntry(++seq, p.stream(), streamSeq, p.kind(), p.name(), now, p.body());
                    insert.setLong(1, entry.seq());
                    insert.setString(2, entry.stream());
                    insert.setLong(3, entry.streamSeq());
                    insert.setString(4, entry.kind().name());
                    insert.setString(5, entry.name());
                    insert.setString(6, now.toString());
                    insert.setString(7, entry.body());
                    insert.addBatch();
                    entries.add(entry);
                }
                if (!entries.isEmpty()) {
                    insert.executeBatch();
                }
            }
            companion.write(connection, List.copyOf(entries));
            return entries;
        });
        if (!placed.isEmpty()) {
            lastSeq = placed.getLast().seq();
            placed.forEach(e -> streamSeqs.put(e.stream(), e.streamSeq()));
        }
        return placed;
    }

    /** Hands every entry with {@code from <= seq <= to} to {@code sink} in seq order, a page at a time. */
    public void read(long from, long to, Consumer<LogEntry> sink) {
        long next = from;
        while (next <= to) {
            long start = next;
            List<LogEntry> page = database.transaction(connection -> page(connection, start, to));
            if (page.isEmpty()) {
                return;
            }
            page.forEach(sink);
            next = page.getLast().seq() + 1;
        }
    }

    /**
     * A write that belongs to the entries it is appended with (where a tailed file was read up
     * to, the answer to an idempotent request): it sees the entries as placed and commits or
     * rolls back with them.
     */
    @FunctionalInterface
    public interface Companion {

        /** Writes nothing. */
        Companion NONE = (connection, placed) -> {};

        void write(Connection connection, List<LogEntry> placed) throws SQLException;
    }

    /**
     * The entries of one stream at the given stream positions, in seq order; positions not in the
     * log are left out. Used to read back the records a storyboard names as evidence.
     */
    public List<LogEntry> find(String stream, Collection<Long> streamSeqs) {
        requireNonNull(stream, "stream is null");
        List<Long> wanted = List.copyOf(new TreeSet<>(streamSeqs));
        List<LogEntry> found = new ArrayList<>();
        for (int from = 0; from < wanted.size(); from += PAGE) {
            List<Long> chunk = wanted.subList(from, Math.min(wanted.size(), from + PAGE));
            found.addAll(database.transaction(connection -> inStream(connection, stream, chunk)));
        }
        found.sort(Comparator.comparingLong(LogEntry::seq));
        return List.copyOf(found);
    }

    private long streamSeq(Connection connection, String stream) {
        Long known = streamSeqs.get(stream);
        if (known != null) {
            return known;
        }
        try (PreparedStatement query =
                connection.prepareStatement("SELECT MAX(stream_seq) FROM ingest_log WHERE stream = ?")) {
            query.setString(1, stream);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the last sequence of stream " + stream + ": " + e.getMessage(), e);
        }
    }

    private static long maxSeq(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT MAX(seq) FROM ingest_log");
                ResultSet rows = query.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    private static List<LogEntry> page(Connection connection, long from, long to) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT seq, stream, stream_seq, kind, name, received_at, body FROM ingest_log"
                        + " WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT " + PAGE)) {
            query.setLong(1, from);
            query.setLong(2, to);
            return entries(query);
        }
    }

    private static List<LogEntry> inStream(Connection connection, String stream, List<Long> streamSeqs)
            throws SQLException {
        String marks = String.join(", ", Collections.nCopies(streamSeqs.size(), "?"));
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT seq, stream, stream_seq, kind, name, received_at, body FROM ingest_log"
                        + " WHERE stream = ? AND stream_seq IN (" + marks + ")")) {
            query.setString(1, stream);
            for (int i = 0; i < streamSeqs.size(); i++) {
                query.setLong(i + 2, streamSeqs.get(i));
            }
            return entries(query);
        }
    }

    private static List<LogEntry> entries(PreparedStatement query) throws SQLException {
        List<LogEntry> entries = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                entries.add(new LogEntry(
                        rows.getLong(1),
                        rows.getString(2),
                        rows.getLong(3),
                        LogEntry.Kind.valueOf(rows.getString(4)),
                        rows.getString(5),
                        Instant.parse(rows.getString(6)),
                        rows.getString(7)));
            }
        }
        return entries;
    }
}
