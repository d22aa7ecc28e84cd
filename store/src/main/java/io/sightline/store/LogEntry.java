package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One entry of the ingest log: a telemetry record or an uploaded document, as received.
 *
 * @param seq position in the log, 1-based, the order the engine applies entries in
 * @param stream the stream it came in on ({@code ingest/tetragon}, {@code upload/scans})
 * @param streamSeq 1-based position within its stream: with {@code stream} it names the record
 *     in evidence
 * @param kind what it is
 * @param name the evidence file name of a document (for a record: its stream)
 * @param body the raw JSON
 */
public record LogEntry(
        long seq, String stream, long streamSeq, Kind kind, String name, Instant receivedAt, String body) {

    public LogEntry {
        requireNonNull(stream, "stream is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(receivedAt, "receivedAt is null");
        requireNonNull(body, "body is null");
        if (seq < 1 || streamSeq < 1) {
            throw new IllegalArgumentException("seq and streamSeq start at 1, got " + seq + " and " + streamSeq);
        }
    }

    /** What an entry holds. */
    public enum Kind {
        TELEMETRY,
        INVENTORY,
        SCAN
    }

    /** An entry before the log has placed it. */
    public record Pending(String stream, Kind kind, String name, String body) {

        public Pending {
            requireNonNull(stream, "stream is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(name, "name is null");
            requireNonNull(body, "body is null");
        }
    }
}
