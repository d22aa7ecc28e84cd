package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a scanner account connector ({@code sightline shiftleft sync}) wrote: the vendor's
 * own response, untouched, under {@code report}, and under {@value #ENVELOPE} what the connector
 * knew about the image it asked for. The report is read by the parser of its own format; the
 * envelope then supplies the identity the vendor's response lacks (a Snyk issues page names a
 * project, not an image; a Harbor 1.0 report names nothing). Identity the report itself holds is
 * kept: the envelope only adds. Stateless and thread safe.
 *
 * <pre>{"sightline_scanner_pull": {"account": "prod-harbor", "kind": "harbor", "source": URL,
 *   "image": "harbor.example.com/library/nginx:1.21", "repo_digests": ["sha256:..."]},
 *  "report": { ...the vendor's response... }}</pre>
 */
final class ScannerPullParser {

    static final String ENVELOPE = "sightline_scanner_pull";

    private ScannerPullParser() {}

    static boolean accepts(JsonNode root) {
        return root.isObject() && root.path(ENVELOPE).isObject() && root.has("report");
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected a scanner account pull ({\"" + ENVELOPE
                    + "\": {...}, \"report\": {...}})," + " got " + ReportShapes.describe(root));
        }
        JsonNode envelope = root.path(ENVELOPE);
        JsonNode report = root.path("report");
        String account = Fields.text(envelope, "account").orElse("(unnamed account)");
        ScanFormat format = ScanFormats.detect(report)
                .filter(f -> !f.name().equals("scanner-pull"))
                .orElseThrow(() -> new RecordException("account " + account + ": the pulled report is "
                        + ReportShapes.describe(report) + ", no scanner format Sightline reads"));
        Optional<ImageRef> image = Fields.text(envelope, "image").flatMap(ImageIdentity::reference);
        Fields.text(envelope, "image")
                .filter(text -> image.isEmpty())
                .ifPresent(text -> skipped.add(new SkippedRecord(
                        file,
                        0,
                        ENVELOPE + ".image: '" + text + "' is not an image reference; identity left to the report")));
        List<String> digests = new ArrayList<>();
        for (String entry : Fields.texts(envelope, "repo_digests")) {
            ImageIdentity.digestOf(entry)
                    .ifPresentOrElse(
                            digests::add,
                            () -> skipped.add(new SkippedRecord(
                                    file,
                                    0,
                                    ENVELOPE + ".repo_digests: expected sha256:<64 hex digits>, got '" + entry
                                            + "'; ignored")));
        }
        List<ScanReport> reports = new ArrayList<>();
        for (ScanReport parsed : format.parse(report, file, skipped)) {
            reports.add(withIdentity(parsed, image, digests));
        }
        return reports;
    }

    private static ScanReport withIdentity(ScanReport report, Optional<ImageRef> image, List<String> digests) {
        Set<String> repoDigests = new LinkedHashSet<>(report.repoDigests());
        repoDigests.addAll(digests);
        return new ScanReport(
                report.file(),
                report.scanner(),
                report.image().or(() -> image),
                List.copyOf(repoDigests),
                report.configDigest(),
                report.findings(),
                report.suppressed());
    }
}
