package io.sightline.vex;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Suppression;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies VEX statements to scan reports: a finding covered by a {@code not_affected} or {@code
 * fixed} statement moves to the report's suppressed list with the statement's justification;
 * {@code affected} and {@code under_investigation} leave it counted.
 *
 * <p>A statement covers a finding when one of its vulnerability ids is among the finding's ids
 * (primary id or alias, so a GHSA statement covers a CVE finding that lists the GHSA) and one of
 * its products covers the finding: an image product ({@code pkg:oci/name@sha256:...}) covers the
 * findings of reports with that repo or config digest, or without a digest in the purl, of the
 * repository it names; its subcomponents, when listed, narrow that to those packages. A package
 * product covers findings in that package. Packages compare by purl (type, namespace, name,
 * version when both give one); a finding without a purl compares by name alone. When several
 * statements cover a finding the last one wins, as later statements supersede earlier ones.
 * Stateless; cost is statements × findings.
 */
public final class VexFilter {

    private final List<VexStatement> statements;

    public VexFilter(List<VexStatement> statements) {
        this.statements = List.copyOf(requireNonNull(statements, "statements is null"));
    }

    public List<ScanReport> apply(List<ScanReport> reports) {
        if (statements.isEmpty()) {
            return List.copyOf(reports);
        }
        return reports.stream().map(this::apply).toList();
    }

    ScanReport apply(ScanReport report) {
        List<Suppression> dropped = new ArrayList<>();
        for (Finding finding : report.findings()) {
            decide(report, finding)
                    .filter(s -> s.status().suppresses())
                    .ifPresent(s ->
                            dropped.add(new Suppression(finding, s.status().label(), s.justification(), s.source())));
        }
        return dropped.isEmpty() ? report : report.suppress(dropped);
    }

    /** The last statement that covers the finding, if any. */
    Optional<VexStatement> decide(ScanReport report, Finding finding) {
        VexStatement decided = null;
        for (VexStatement statement : statements) {
            if (statement.vulnerabilities().stream().anyMatch(finding.ids()::contains)
                    && statement.products().stream().anyMatch(p -> covers(p, statement, report, finding))) {
                decided = statement;
            }
        }
        return Optional.ofNullable(decided);
    }

    private static boolean covers(String product, VexStatement statement, ScanReport report, Finding finding) {
        Optional<PackageUrl> purl = PackageUrl.parse(product);
        if (purl.isEmpty()) {
            return false;
        }
        if (!purl.get().type().equals("oci")) {
            return coversPackage(purl.get(), finding);
        }
        if (!coversImage(purl.get(), report)) {
            return false;
        }
        return statement.subcomponents().isEmpty()
                || statement.subcomponents().stream()
                        .map(PackageUrl::parse)
                        .flatMap(Optional::stream)
                        .anyMatch(sub -> coversPackage(sub, finding));
    }

    private static boolean coversImage(PackageUrl oci, ScanReport report) {
        if (oci.version().filter(ImageRef::isDigest).isPresent()) {
            String digest = oci.version().get();
            return report.repoDigests().contains(digest)
                    || report.configDigest().equals(Optional.of(digest));
        }
        Optional<ImageRef> image = report.image();
        if (image.isEmpty()) {
            return false;
        }
        String last =
                image.get().repository().substring(image.get().repository().lastIndexOf('/') + 1);
        if (!last.equals(oci.name())) {
            return false;
        }
        return oci.repositoryUrl()
                .map(url -> ImageRef.parse(url.endsWith("/" + oci.name()) ? url : url + "/" + oci.name()))
                .map(ref -> ref.name().equals(image.get().name()))
                .orElse(true);
    }

    private static boolean coversPackage(PackageUrl statement, Finding finding) {
        Optional<PackageUrl> own = finding.pkg().purl().flatMap(PackageUrl::parse);
        if (own.isPresent()) {
            return statement.covers(own.get());
        }
        // Scanners name a package without purl by its full name: golang paths keep their slashes
        // (helm.sh/helm/v3), Maven joins group and artifact with a colon.
        String name = finding.pkg().name();
        boolean sameName = statement.name().equalsIgnoreCase(name)
                || (statement.namespace() + "/" + statement.name()).equalsIgnoreCase(name)
                || (statement.namespace() + ":" + statement.name()).equalsIgnoreCase(name);
        return sameName
                && statement
                        .version()
                        .map(v -> v.equals(finding.pkg().version()))
                        .orElse(true);
    }
}
