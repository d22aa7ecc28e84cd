package io.sightline.formats.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.event.SkippedRecord;
import io.sightline.event.SourceRecord;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.finding.Suppression;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.rank.LoadedPackages;
import io.sightline.rank.PackageFix;
import io.sightline.rank.RankedImage;
import io.sightline.storyboard.Storyboard;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.Map;

/**
 * The JSON shapes of {@code analyze --format json}, documented in docs/analysis-json.md. The CLI
 * writes the whole document; the server's API returns the same storyboard and image objects.
 * Stateless and thread safe.
 */
public final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    public static void write(AnalysisResult analysis, OutputStream out) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode storyboards = root.putArray("storyboards");
        analysis.storyboards().forEach(s -> storyboards.add(storyboard(s)));
        ArrayNode images = root.putArray("images");
        analysis.images().forEach(i -> images.add(image(i)));
        ArrayNode suppressed = root.putArray("suppressed");
        for (ScanReport report : analysis.reports()) {
            for (Suppression s : report.suppressed()) {
                suppressed
                        .addObject()
                        .put("file", report.file())
                        .put("image", report.image().map(Object::toString).orElse(""))
                        .put("vulnerability", s.finding().id())
                        .put("package", s.finding().pkg().name())
                        .put("installed_version", s.finding().pkg().version())
                        .put("status", s.status())
                        .put("justification", s.justification())
                        .put("source", s.source());
            }
        }
        ArrayNode skipped = root.putArray("skipped");
        analysis.skipped().forEach(s -> skipped.add(skipped(s)));
        root.set("summary", summary(analysis));
        MAPPER.writeValue(out, root);
        out.write('\n');
    }

    /** One storyboard, evidence records included. */
    public static ObjectNode storyboard(Storyboard s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", s.id());
        node.put("severity", s.severity().label());
        strings(node.putArray("severity_reasons"), s.severityReasons());
        node.put("first_seen", s.firstSeen().toString());
        node.put("last_seen", s.lastSeen().toString());
        node.put("closed", s.closed());
        node.put("closed_at", s.closedAt().map(Object::toString).orElse(""));
        strings(node.putArray("hosts"), s.hosts());
        ArrayNode containers = node.putArray("containers");
        for (Storyboard.ContainerEntity c : s.containers()) {
            ObjectNode container = containers.addObject();
            container.put("container_id", c.id());
            container.put("name", c.name());
            container.put("host", c.host());
            container.put("namespace", c.namespace());
            container.put("pod", c.pod());
            container.put("image", c.image());
            container.put("image_digest", c.imageDigest());
        }
        strings(
                node.putArray("pods"),
                s.containers().stream()
                        .filter(c -> !c.pod().isEmpty())
                        .map(c -> c.namespace() + "/" + c.pod())
                        .distinct()
                        .toList());
        strings(node.putArray("images"), s.imageDigests());
        strings(node.putArray("services"), s.services());
        strings(node.putArray("identities"), s.identities());
        strings(node.putArray("external_addresses"), s.externalAddresses());
        strings(
                node.putArray("techniques"),
                s.techniques().stream().map(Storyboard.TechniqueTag::id).toList());
        ArrayNode tactics = node.putArray("technique_details");
        for (Storyboard.TechniqueTag t : s.techniques()) {
            tactics.addObject().put("id", t.id()).put("name", t.name()).put("tactic", t.tactic());
        }
        ArrayNode trail = node.putArray("trail");
        for (Storyboard.TrailStep step : s.trail()) {
            trail.addObject()
                    .put("time", step.time().toString())
                    .put("host", step.host())
                    .put("container", step.container())
                    .put("text", step.text());
        }
        ArrayNode records = node.putArray("records");
        for (SourceRecord record : s.records()) {
            records.addObject().put("file", record.file()).put("line", record.line());
        }
        ObjectNode graph = node.putObject("graph");
        ArrayNode graphNodes = graph.putArray("nodes");
        for (Storyboard.GraphNode n : s.graph().nodes()) {
            ObjectNode item = graphNodes
                    .addObject()
                    .put("id", n.id())
                    .put("kind", n.kind())
                    .put("label", n.label())
                    .put("host", n.host())
                    .put("container", n.container());
            ArrayNode evidence = item.putArray("records");
            n.records().forEach(r -> evidence.addObject().put("file", r.file()).put("line", r.line()));
        }
        ArrayNode graphEdges = graph.putArray("edges");
        s.graph()
                .edges()
                .forEach(e -> graphEdges
                        .addObject()
                        .put("from", e.from())
                        .put("to", e.to())
                        .put("kind", e.kind()));
        return node;
    }

    /** One ranked image with its factors, fixes and containers. */
    public static ObjectNode image(RankedImage i) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("rank", i.rank());
        node.put("image", i.image());
        node.put("digest", i.repoDigests().isEmpty() ? "" : i.repoDigests().getFirst());
        strings(node.putArray("repo_digests"), i.repoDigests());
        node.put("config_digest", i.configDigest().orElse(""));
        node.put("score", i.score());
        node.put("joined_by", i.joinedBy());
        ArrayNode factors = node.putArray("factors");
        for (RankedImage.Factor f : i.factors()) {
            factors.addObject().put("name", f.name()).put("points", f.points()).put("detail", f.detail());
        }
        ObjectNode counts = node.putObject("vulnerabilities");
        for (Map.Entry<Severity, Integer> count : i.vulnerabilityCounts().entrySet()) {
            counts.put(count.getKey().label(), count.getValue());
        }
        ArrayNode fixes = node.putArray("fixes");
        for (PackageFix fix : i.fixes()) {
            ObjectNode f = fixes.addObject();
            f.put("package", fix.packageName());
            f.put("ecosystem", fix.ecosystem());
            f.put("installed_version", fix.installedVersion());
            f.put("fixed_version", fix.fixedVersion());
            f.put("minimum_fix_for_worst", fix.minimumFixForWorst());
            f.put("worst", fix.worstId());
            f.put("worst_severity", fix.worst().label());
            strings(f.putArray("vulnerabilities"), fix.vulnerabilities());
            f.put("loaded_at_runtime", fix.loadedAtRuntime());
        }
        ArrayNode loaded = node.putArray("loaded_packages");
        for (RankedImage.LoadedPackage p : i.loadedPackages()) {
            ObjectNode l = loaded.addObject();
            l.put("package", p.packageName());
            l.put("installed_version", p.version());
            ArrayNode vulnerabilities = l.putArray("vulnerabilities");
            p.vulnerabilities()
                    .forEach(v -> vulnerabilities
                            .addObject()
                            .put("id", v.id())
                            .put("severity", v.severity().label()));
            LoadedPackages.Evidence e = p.evidence();
            l.putObject("evidence")
                    .put("package_path", e.packagePath())
                    .put("observed_path", "/" + e.observedPath())
                    .put("kind", e.kind().label())
                    .put("executable", e.executable())
                    .put("arguments", e.arguments())
                    .put("container_id", e.containerId())
                    .put("file", e.source().file())
                    .put("line", e.source().line());
        }
        ArrayNode containers = node.putArray("containers");
        for (ContainerAsset c : i.containers()) {
            ObjectNode container = containers.addObject();
            container.put("container_id", c.id().id());
            container.put("name", c.name());
            container.put("host", c.host().orElse(""));
            container.put("namespace", c.pod().map(p -> p.namespace()).orElse(""));
            container.put("pod", c.pod().map(p -> p.name()).orElse(""));
        }
        strings(node.putArray("storyboards"), i.storyboards());
        strings(node.putArray("reports"), i.reports());
        return node;
    }

    private static ObjectNode skipped(SkippedRecord s) {
        return MAPPER.createObjectNode()
                .put("file", s.file())
                .put("line", s.line())
                .put("reason", s.reason());
    }

    private static ObjectNode summary(AnalysisResult analysis) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("events", analysis.events());
        node.put("late_events", analysis.lateEvents());
        node.put("sorted_by_time", analysis.sortedByTime());
        node.put("elapsed_ms", analysis.elapsedMillis());
        node.put("records_skipped", analysis.skipped().size());
        node.put(
                "images_flagged_by_scanners",
                ImageAttention.flagged(analysis.images()).size());
        node.put(
                "images_needing_action",
                ImageAttention.needingAction(analysis.images(), analysis.storyboards())
                        .size());
        NoiseFigure noise = NoiseFigure.of(analysis.images(), analysis.storyboards());
        node.put(
                "findings_suppressed",
                analysis.reports().stream().mapToInt(r -> r.suppressed().size()).sum());
        ObjectNode figure = node.putObject("noise");
        figure.put("flagged_images_needing_action", noise.imagesNeedingAction());
        figure.put("flagged_images", noise.imagesFlagged());
        figure.put("findings_needing_action", noise.findingsNeedingAction());
        figure.put("findings", noise.findings());
        figure.put("text", noise.text());
        ArrayNode files = node.putArray("files");
        analysis.files()
                .forEach(f -> files.addObject()
                        .put("file", f.file())
                        .put("format", f.format())
                        .put("records", f.records())
                        .put("skipped", f.skipped()));
        return node;
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }
}
