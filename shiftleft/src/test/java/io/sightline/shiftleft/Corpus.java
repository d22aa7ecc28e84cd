package io.sightline.shiftleft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.RecordException;
import io.sightline.formats.scan.ScanFormat;
import io.sightline.formats.scan.ScanFormats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The corpus copies in formats' test resources ({@code -Dsightline.corpus}); the parse of a pull. */
public final class Corpus {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Corpus() {}

    public static JsonNode read(String relative) {
        Path file = Path.of(System.getProperty("sightline.corpus"), "shiftleft", relative);
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file written by hand from a vendor's API reference ({@code handwritten/SOURCES.md} beside the corpus). */
    public static JsonNode handwritten(String relative) {
        Path file = Path.of(System.getProperty("sightline.corpus"), "handwritten", relative);
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code analyze} reads from a pulled report's file: detected by content, parsed by its format. */
    public static List<ScanReport> parse(ScannerPull pull, List<SkippedRecord> skipped) throws RecordException {
        JsonNode document = MAPPER.valueToTree(pull.document());
        ScanFormat format = ScanFormats.detect(document).orElseThrow();
        if (!format.name().equals("scanner-pull")) {
            throw new AssertionError("detected as " + format.name());
        }
        return format.parse(document, pull.fileName(), skipped);
    }

    public static List<ScanReport> parse(ScannerPull pull) throws RecordException {
        return parse(pull, new ArrayList<>());
    }
}
