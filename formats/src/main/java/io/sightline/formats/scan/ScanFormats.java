package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.formats.Fields;
import java.util.List;
import java.util.Optional;

/**
 * Every scanner report format Sightline reads, in detection order, and the documents that look
 * like scan output but are not scan reports (an SBOM without vulnerabilities, a Snyk open-source
 * test of a manifest), each refused with the reason. Stateless and thread safe.
 */
public final class ScanFormats {

    public static final List<ScanFormat> ALL = List.of(
            new ScanFormat("scanner-pull", ScannerPullParser::accepts, ScannerPullParser::parse),
            new ScanFormat("trivy", TrivyReportParser::accepts, (r, f, s) -> List.of(TrivyReportParser.parse(r, f, s))),
            new ScanFormat("trivy-k8s", TrivyKubernetesParser::accepts, TrivyKubernetesParser::parse),
            new ScanFormat("trivy-operator", TrivyOperatorParser::accepts, TrivyOperatorParser::parse),
            new ScanFormat("grype", GrypeReportParser::accepts, (r, f, s) -> List.of(GrypeReportParser.parse(r, f, s))),
            new ScanFormat(
                    "snyk", SnykContainerParser::accepts, (r, f, s) -> List.of(SnykContainerParser.parse(r, f, s))),
            new ScanFormat("snyk-rest-issues", SnykIssuesParser::accepts, SnykIssuesParser::parse),
            new ScanFormat("harbor", HarborReportParser::accepts, HarborReportParser::parse),
            new ScanFormat("ecr-scan-findings", EcrScanFindingsParser::accepts, EcrScanFindingsParser::parse),
            new ScanFormat("inspector2", InspectorParser::acceptsListFindings, InspectorParser::parseListFindings),
            new ScanFormat("securityhub-inspector", InspectorParser::acceptsAsff, InspectorParser::parseAsff),
            new ScanFormat("sarif", SarifReportParser::accepts, SarifReportParser::parse),
            new ScanFormat("cyclonedx", CycloneDxParser::accepts, CycloneDxParser::parse),
            new ScanFormat("sysdig-cli", SysdigParser::acceptsCli, SysdigParser::parseCli),
            new ScanFormat(
                    "sysdig-workload-report", SysdigParser::acceptsWorkloadReport, SysdigParser::parseWorkloadReport),
            new ScanFormat("aqua", OtherScanners::acceptsAqua, OtherScanners::parseAqua),
            new ScanFormat("neuvector", OtherScanners::acceptsNeuVector, OtherScanners::parseNeuVector),
            new ScanFormat("wiz", OtherScanners::acceptsWiz, OtherScanners::parseWiz),
            new ScanFormat("prisma-twistlock", OtherScanners::acceptsPrisma, OtherScanners::parsePrisma),
            new ScanFormat("gcp-artifact-analysis", OtherScanners::acceptsGcp, OtherScanners::parseGcp));

    private ScanFormats() {}

    public static Optional<ScanFormat> detect(JsonNode root) {
        return ALL.stream().filter(format -> format.accepts().test(root)).findFirst();
    }

    /**
     * Why a document that scanners or SBOM tools write is not a scan report Sightline can rank,
     * or empty when it is none of those.
     */
    public static Optional<String> notAScanReport(JsonNode root) {
        if (!root.isObject()) {
            return Optional.empty();
        }
        if (Fields.text(root, "bomFormat").orElse("").equals("CycloneDX")
                && root.path("vulnerabilities").size() == 0) {
            return Optional.of("a CycloneDX " + Fields.text(root, "specVersion").orElse("(no specVersion)")
                    + " SBOM without vulnerabilities ("
                    + root.path("components").size()
                    + " components): an inventory of packages, not a scan report; scan it (trivy sbom, grype sbom:)"
                    + " and give the result");
        }
        if (root.path("artifacts").isArray()
                && Fields.text(root, "descriptor.name").orElse("").equals("syft")) {
            return Optional.of("a Syft JSON SBOM (" + root.path("artifacts").size()
                    + " artifacts, no vulnerabilities): an inventory of packages, not a scan report");
        }
        if (root.path("vulnerabilities").isArray()
                && root.path("ok").isBoolean()
                && !SnykContainerParser.accepts(root)) {
            return Optional.of("a Snyk open-source test report (snyk test --json"
                    + Fields.text(root, "packageManager")
                            .map(pm -> ", packageManager " + pm)
                            .orElse("")
                    + "): it tests a manifest, names no image and has no docker section; use snyk container test");
        }
        return Optional.empty();
    }
}
