package io.sightline.formats.telemetry;

import static java.util.Objects.requireNonNull;

import io.sightline.event.SkippedRecord;
import java.util.List;

/**
 * What reading one telemetry file gave: the formats recognised in it ({@code tetragon}, or {@code
 * falco+k8s-audit} for a mixed file, {@code none} when no record was recognised), how many records
 * were read, and every record that was skipped with its line and reason.
 *
 * <p>{@code accepted} counts records, not events: a Tetragon kprobe of a policy Sightline ignores
 * is accepted and produces no event, and a record never counts twice. In a raw auditd log a record is
 * one audit event, whatever the number of lines it spans.
 */
public record ReadSummary(String file, String format, int accepted, List<SkippedRecord> skipped) {

    public ReadSummary {
        requireNonNull(file, "file is null");
        requireNonNull(format, "format is null");
        if (accepted < 0) {
            throw new IllegalArgumentException("accepted must be 0 or more, got " + accepted);
        }
        skipped = List.copyOf(skipped);
    }

    /** Records seen in the file: the accepted ones and the skipped ones. */
    public int records() {
        return accepted + skipped.size();
    }
}
