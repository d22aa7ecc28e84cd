package io.sightline.rank;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.asset.PodKey;
import io.sightline.asset.ServiceEndpoint;
import io.sightline.engine.ImageRisk;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every image Sightline knows, from running containers and from scan reports, with the reports
 * joined to the containers on the strongest identity both carry: repo digest, then config
 * digest, then repository and tag (recorded as a weaker join). A finding without a scanner
 * severity is rated by its CVSS score.
 */
public final class ImageCatalogue implements ImageRisk {

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> byDigest = new HashMap<>();
    private final Set<String> knownExploited;

    private ImageCatalogue(Set<String> knownExploited) {
        this.knownExploited = Set.copyOf(knownExploited);
    }

    /** Builds the catalogue; {@code knownExploited} holds CVE ids of CISA's KEV catalogue. */
    public static ImageCatalogue build(
            Inventory inventory, Collection<ScanReport> reports, Set<String> knownExploited) {
        requireNonNull(inventory, "inventory is null");
        requireNonNull(reports, "reports is null");
        ImageCatalogue catalogue = new ImageCatalogue(knownExploited);
        inventory.containers().forEach(container -> catalogue.addContainer(container, inventory));
        reports.forEach(catalogue::addReport);
        catalogue.entries.forEach(Entry::rateByCvss);
        catalogue.entries.forEach(entry -> entry.exposures.addAll(exposures(inventory, entry.containers)));
        return catalogue;
    }

    /**
     * The Services of type LoadBalancer or NodePort whose endpoints are pods running the image:
     * reachable from outside the cluster. Ingress objects are not in the inventory yet.
     */
    private static Set<String> exposures(Inventory inventory, List<ContainerAsset> containers) {
        Set<String> exposed = new TreeSet<>();
        Set<PodKey> pods = new HashSet<>();
        containers.forEach(c -> c.pod().ifPresent(pods::add));
        for (ServiceEndpoint endpoint : inventory.endpoints()) {
            if (endpoint.pod().filter(pods::contains).isEmpty()) {
                continue;
            }
            inventory.services().stream()
                    .filter(svc -> svc.namespace().equals(endpoint.namespace())
                            && svc.name().equals(endpoint.service()))
                    .filter(svc ->
                            svc.type().equals("LoadBalancer") || svc.type().equals("NodePort"))
                    .forEach(svc -> exposed.add(svc.namespace() + "/" + svc.name() + " (" + svc.type() + ")"));
        }
        return exposed;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public boolean isKnownExploited(Finding finding) {
        return knownExploited.contains(finding.vulnerabilityKey())
                || finding.aliases().stream().anyMatch(knownExploited::contains);
    }

    @Override
    public Optional<Exposure> exposure(String digest) {
        Entry entry = byDigest.get(digest);
        if (entry == null || entry.findings.isEmpty()) {
            return Optional.empty();
        }
        Finding worst = entry.findings.stream()
                .max(Comparator.comparing(Finding::severity).thenComparing(f -> isKnownExploited(f) ? 1 : 0))
                .orElseThrow();
        int fixableSevere = (int) entry.findings.stream()
                .filter(f -> f.fixable() && f.severity().atLeast(Severity.HIGH))
                .map(Finding::vulnerabilityKey)
                .distinct()
                .count();
        return Optional.of(new Exposure(worst.severity(), worst.vulnerabilityKey(), fixableSevere));
    }

    private void addContainer(ContainerAsset container, Inventory inventory) {
        Optional<Entry> known = container
                .imageDigest()
                .map(byDigest::get)
                .or(() -> container.configDigest().map(byDigest::get));
        Entry entry = known.orElseGet(() -> newEntry(container.image()));
        entry.containers.add(container);
        container.imageDigest().ifPresent(d -> index(entry, d, true));
        container.configDigest().ifPresent(d -> index(entry, d, false));
        // Every digest the image store knows for the same image, so a report on one platform
        // manifest of an index joins the containers that ran the index.
        container.imageDigest().flatMap(inventory::image).ifPresent(image -> {
            image.repoDigests().forEach(d -> index(entry, d, true));
            image.configDigest().ifPresent(d -> index(entry, d, false));
        });
    }

    private void addReport(ScanReport report) {
        Optional<Entry> byRepoDigest = report.repoDigests().stream()
                .map(byDigest::get)
                .filter(e -> e != null)
                .findFirst();
        Optional<Entry> byConfig = report.configDigest().map(byDigest::get);
        Optional<Entry> byTag = report.image().flatMap(this::byReference);

        Entry entry;
        String how;
        if (byRepoDigest.isPresent()) {
            entry = byRepoDigest.get();
            how = "digest";
        } else if (byConfig.isPresent()) {
            entry = byConfig.get();
            how = "config-digest";
        } else if (byTag.isPresent()
                && report.repoDigests().isEmpty()
                && report.configDigest().isEmpty()) {
            // A digest the containers do not carry says the tag has since moved to another image.
            entry = byTag.get();
            how = "tag";
        } else {
            entry = newEntry(report.image().orElse(ImageRef.parse("unknown/" + report.file())));
            how = "none";
        }
        entry.reports.add(report);
        entry.findings.addAll(report.findings());
        entry.joins.add(how);
        report.repoDigests().forEach(d -> index(entry, d, true));
        report.configDigest().ifPresent(d -> index(entry, d, false));
    }

    private Optional<Entry> byReference(ImageRef ref) {
        return entries.stream()
                .filter(e -> e.image.name().equals(ref.name()) && e.image.tag().equals(ref.tag()))
                .findFirst();
    }

    private Entry newEntry(ImageRef image) {
        Entry entry = new Entry(image);
        entries.add(entry);
        return entry;
    }

    private void index(Entry entry, String digest, boolean repoDigest) {
        byDigest.putIfAbsent(digest, entry);
        if (repoDigest) {
            entry.repoDigests.add(digest);
        } else if (entry.configDigest.isEmpty()) {
            entry.configDigest = Optional.of(digest);
        }
    }

    /** One image: its digests, its running containers and every finding reported for it. */
    public static final class Entry {

        private final ImageRef image;
        private final Set<String> repoDigests = new LinkedHashSet<>();
        private Optional<String> configDigest = Optional.empty();
        private final List<ContainerAsset> containers = new ArrayList<>();
        private final List<ScanReport> reports = new ArrayList<>();
        private final List<Finding> findings = new ArrayList<>();
        private final Set<String> joins = new LinkedHashSet<>();
        private final Set<String> exposures = new LinkedHashSet<>();
        private final Set<String> ratedByCvss = new LinkedHashSet<>();

        private Entry(ImageRef image) {
            this.image = image;
        }

        public ImageRef image() {
            return image;
        }

        public List<String> repoDigests() {
            return List.copyOf(repoDigests);
        }

        public Optional<String> configDigest() {
            return configDigest;
        }

        public List<ContainerAsset> containers() {
            return List.copyOf(containers);
        }

        public List<ScanReport> reports() {
            return List.copyOf(reports);
        }

        public List<Finding> findings() {
            return List.copyOf(findings);
        }

        /**
         * The weakest join among its reports, since the list is only as sure as that: {@code digest},
         * {@code config-digest}, {@code tag}, or {@code none} when it has no report or a report tied
         * to no running container.
         */
        public String joinedBy() {
            for (String weakest : List.of("none", "tag", "config-digest")) {
                if (joins.contains(weakest)) {
                    return weakest;
                }
            }
            return joins.isEmpty() ? "none" : "digest";
        }

        /**
         * The vulnerabilities that no report gave a severity and whose severity here is their CVSS
         * rating's ({@link Finding#cvssSeverity()}).
         */
        public Set<String> ratedByCvss() {
            return Set.copyOf(ratedByCvss);
        }

        /** Once every report is in: a scanner's severity for a vulnerability wins over any CVSS rating. */
        private void rateByCvss() {
            Set<String> rated = new HashSet<>();
            findings.stream()
                    .filter(f -> f.severity() != Severity.UNKNOWN)
                    .forEach(f -> rated.add(f.vulnerabilityKey()));
            for (int i = 0; i < findings.size(); i++) {
                Finding finding = findings.get(i);
                if (finding.severity() != Severity.UNKNOWN || rated.contains(finding.vulnerabilityKey())) {
                    continue;
                }
                Optional<Severity> severity = finding.cvssSeverity();
                if (severity.isPresent()) {
                    findings.set(i, finding.withSeverity(severity.get()));
                    ratedByCvss.add(finding.vulnerabilityKey());
                }
            }
        }

        /** Services of type LoadBalancer or NodePort in front of its running containers. */
        public Set<String> exposures() {
            return Set.copyOf(exposures);
        }

        public Set<String> allDigests() {
            Set<String> all = new LinkedHashSet<>(repoDigests);
            configDigest.ifPresent(all::add);
            return all;
        }
    }
}
