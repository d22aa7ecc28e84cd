package io.sightline.formats.scan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.RecordException;
import java.util.List;
import java.util.function.Predicate;

/**
 * One scanner report format: how to recognise it by content and how to read it. A document may
 * hold several images (a {@code trivy k8s} cluster report, an Inspector findings page), so a parse
 * gives a list of reports, one per image.
 */
public record ScanFormat(String name, Predicate<JsonNode> accepts, Parser parser) {

    /** Reads one document; throws when the document as a whole is unusable. */
    @FunctionalInterface
    public interface Parser {
        List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException;
    }

    public ScanFormat {
        requireNonNull(name, "name is null");
        requireNonNull(accepts, "accepts is null");
        requireNonNull(parser, "parser is null");
    }

    public List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        return parser.parse(root, file, skipped);
    }
}
