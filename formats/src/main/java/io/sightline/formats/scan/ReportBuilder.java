package io.sightline.formats.scan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collects one report's identity and findings while a parser walks the document. A bad entry
 * becomes a {@link SkippedRecord} naming where it sits and what it lacks; its neighbours are kept.
 * Exact duplicates (same id, package, version and ecosystem) are kept once: Snyk repeats a
 * vulnerability for every dependency path, Grype for every location of a package, and a
 * {@link Finding} carries neither. Not thread safe: one builder per parse.
 */
final class ReportBuilder {

    /** Reads one finding from one array entry; throws when a required field is missing. */
    @FunctionalInterface
    interface EntryReader {
        Finding read(JsonNode entry) throws RecordException;
    }

    private record Key(String id, String packageName, String version, String ecosystem) {

        static Key of(Finding finding) {
            return new Key(
                    finding.id(),
                    finding.pkg().name(),
                    finding.pkg().version(),
                    finding.pkg().ecosystem());
        }
    }

    private final String file;
    private final String scanner;
    private final List<SkippedRecord> skipped;
    private final Map<Key, Finding> findings = new LinkedHashMap<>();
    private final Set<String> repoDigests = new LinkedHashSet<>();
    private Optional<ImageRef> image = Optional.empty();
    private Optional<String> configDigest = Optional.empty();

    ReportBuilder(String file, String scanner, List<SkippedRecord> skipped) {
        this.file = requireNonNull(file, "file is null");
        this.scanner = requireNonNull(scanner, "scanner is null");
        this.skipped = requireNonNull(skipped, "skipped is null");
    }

    void image(Optional<ImageRef> reference) {
        image = requireNonNull(reference, "reference is null");
    }

    void repoDigest(String field, String entry) {
        Optional<String> digest = ImageIdentity.digestOf(entry);
        digest.ifPresent(repoDigests::add);
        if (digest.isEmpty()) {
            skip(field, "expected repo@sha256:<64 hex digits>, got '" + entry + "'; repo digest ignored");
        }
    }

    void configDigest(String field, Optional<String> value) {
        if (value.isEmpty()) {
            return;
        }
        configDigest = value.filter(ImageRef::isDigest);
        if (configDigest.isEmpty()) {
            skip(field, "expected sha256:<64 hex digits>, got '" + value.get() + "'; config digest left empty");
        }
    }

    /**
     * Reads every entry of {@code array}, which {@code where} names ({@code Results[1].Vulnerabilities}).
     * A missing or null array holds no entries: Trivy writes {@code "Vulnerabilities": null} for a
     * clean target.
     */
    void readEach(JsonNode array, String where, EntryReader reader) {
        if (array.isMissingNode() || array.isNull()) {
            return;
        }
        if (!array.isArray()) {
            skip(where, "expected an array, got " + array.getNodeType() + "; its findings skipped");
            return;
        }
        for (int index = 0; index < array.size(); index++) {
            read(array.get(index), where + "[" + index + "]", reader);
        }
    }

    ScanReport build() {
        return new ScanReport(
                file, scanner, image, List.copyOf(repoDigests), configDigest, new ArrayList<>(findings.values()));
    }

    private void read(JsonNode entry, String where, EntryReader reader) {
        if (!entry.isObject()) {
            skip(where, "expected an object, got " + entry.getNodeType() + "; finding skipped");
            return;
        }
        try {
            Finding finding = reader.read(entry);
            findings.putIfAbsent(Key.of(finding), finding);
        } catch (RecordException e) {
            skip(where, e.getMessage() + "; finding skipped");
        }
    }

    private void skip(String where, String reason) {
        // The parsers get a tree, not a token stream, so no line is known.
        skipped.add(new SkippedRecord(file, 0, where + ": " + reason));
    }
}
