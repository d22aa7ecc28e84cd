package io.sightline.server.ingest;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The answer to an ingest request: what was logged and which records were not, by their 1-based
 * position in the request body.
 *
 * @param stream where the accepted records were logged
 * @param firstStreamSeq evidence line of the first accepted record (0 when none was accepted)
 * @param lastStreamSeq evidence line of the last accepted record (0 when none was accepted)
 */
public record IngestResult(
        String stream, int accepted, long firstStreamSeq, long lastStreamSeq, String format, List<Skip> skipped) {

    public IngestResult {
        requireNonNull(stream, "stream is null");
        requireNonNull(format, "format is null");
        skipped = List.copyOf(skipped);
    }

    /** A record left out, with why. */
    public record Skip(int index, String reason) {

        public Skip {
            requireNonNull(reason, "reason is null");
        }
    }
}
