package io.sightline.formats.scan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Suppression;
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
 * {@link Finding} carries no dependency path. The locations of the repeats are added to the kept
 * finding's package paths. Not thread safe: one builder per parse.
 */
final class ReportBuilder {

    /** Reads one finding from one array entry; throws when a required field is missing. */
    @FunctionalInterface
    interface EntryReader {
        Finding read(JsonNode entry) throws RecordException;
    }

    /** Decides, from the raw entry, that its finding is not to be ranked: a status and where it came from. */
    @FunctionalInterface
    interface DropRule {
        Optional<Drop> check(JsonNode entry);
    }

    /** Why an entry's finding was suppressed at parse time. */
    record Drop(String status, String justification, String source) {}

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
    private final List<Suppression> suppressed = new ArrayList<>();
    private final Set<String> repoDigests = new LinkedHashSet<>();
    private Optional<ImageRef> image = Optional.empty();
    private Optional<String> configDigest = Optional.empty();
    private String entryWhere = "report";

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
        readEach(array, where, reader, entry -> Optional.empty());
    }

    /** As {@link #readEach(JsonNode, String, EntryReader)}, moving entries the rule drops to the suppressed list. */
    void readEach(JsonNode array, String where, EntryReader reader, DropRule rule) {
        if (array.isMissingNode() || array.isNull()) {
            return;
        }
        if (!array.isArray()) {
            skip(where, "expected an array, got " + array.getNodeType() + "; its findings skipped");
            return;
        }
        for (int index = 0; index < array.size(); index++) {
            read(array.get(index), where + "[" + index + "]", reader, rule);
        }
    }

    ScanReport build() {
        return new ScanReport(
                file,
                scanner,
                image,
                List.copyOf(repoDigests),
                configDigest,
                new ArrayList<>(findings.values()),
                suppressed);
    }

    /** Reads one entry that is not in an array (an Inspector finding, a GCP occurrence). */
    void readOne(JsonNode entry, String where, EntryReader reader) {
        read(entry, where, reader, e -> Optional.empty());
    }

    void readOne(JsonNode entry, String where, EntryReader reader, DropRule rule) {
        read(entry, where, reader, rule);
    }

    /** Adds a finding read elsewhere, deduplicated like the rest. */
    void add(Finding finding) {
        findings.merge(
                Key.of(finding),
                finding,
                (kept, again) ->
                        kept.withPackage(kept.pkg().withPaths(again.pkg().paths())));
    }

    void suppress(Finding finding, Drop drop) {
        suppressed.add(new Suppression(finding, drop.status(), drop.justification(), drop.source()));
    }

    /**
     * Records a problem with a field of the entry being read that does not cost its finding (a
     * severity that is no severity), named by the entry's place and the field.
     */
    void noteField(String field, String reason) {
        skip(entryWhere + "." + field, reason);
    }

    /** Records a problem with the report that does not cost a finding (an identity field unusable). */
    void note(String where, String reason) {
        skip(where, reason);
    }

    boolean hasIdentity() {
        return image.isPresent() || !repoDigests.isEmpty() || configDigest.isPresent();
    }

    private void read(JsonNode entry, String where, EntryReader reader, DropRule rule) {
        if (!entry.isObject()) {
            skip(where, "expected an object, got " + entry.getNodeType() + "; finding skipped");
            return;
        }
        entryWhere = where;
        try {
            Finding finding = reader.read(entry);
            Optional<Drop> drop = rule.check(entry);
            if (drop.isPresent()) {
                suppress(finding, drop.get());
            } else {
                add(finding);
            }
        } catch (RecordException e) {
            skip(where, e.getMessage() + "; finding skipped");
        }
    }

    private void skip(String where, String reason) {
        // The parsers get a tree, not a token stream, so no line is known.
        skipped.add(new SkippedRecord(file, 0, where + ": " + reason));
    }
}
