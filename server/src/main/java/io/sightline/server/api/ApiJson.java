package io.sightline.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.Cluster;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Host;
import io.sightline.asset.Pod;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.rank.ImageCatalogue;
import io.sightline.server.ingest.IngestResult;
import io.sightline.server.live.View;
import io.sightline.storyboard.Storyboard;
import io.sightline.storyboard.StoryboardChange;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The API's JSON shapes other than those shared with {@code analyze} (see ReportJson). Keys are snake_case. */
final class ApiJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {}

    static ObjectNode storyboardSummary(Storyboard s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", s.id());
        node.put("severity", s.severity().label());
        strings(node.putArray("severity_reasons"), s.severityReasons());
        node.put("first_seen", s.firstSeen().toString());
        node.put("last_seen", s.lastSeen().toString());
        strings(node.putArray("hosts"), s.hosts());
        strings(
                node.putArray("pods"),
                s.containers().stream()
                        .filter(c -> !c.pod().isEmpty())
                        .map(c -> c.namespace() + "/" + c.pod())
                        .distinct()
                        .toList());
        strings(node.putArray("images"), s.imageDigests());
        strings(
                node.putArray("techniques"),
                s.techniques().stream().map(Storyboard.TechniqueTag::id).toList());
        node.put("trail_steps", s.trail().size());
        node.put("records", s.records().size());
        node.put("closed", s.closed());
        node.put("closed_at", s.closedAt().map(Object::toString).orElse(""));
        return node;
    }

    static ObjectNode cluster(Cluster c) {
        ObjectNode node = MAPPER.createObjectNode().put("name", c.name());
        node.put("arn", c.arn().orElse(""));
        node.put("endpoint", c.endpoint().orElse(""));
        node.put("version", c.version().orElse(""));
        return node;
    }

    static ObjectNode host(Host h) {
        ObjectNode node = MAPPER.createObjectNode().put("name", h.name());
        node.put("instance_id", h.instanceId().orElse(""));
        node.put("provider_id", h.providerId().orElse(""));
        node.put("cluster", h.cluster().orElse(""));
        strings(node.putArray("addresses"), h.addresses());
        return node;
    }

    static ObjectNode pod(Pod p) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("namespace", p.key().namespace());
        node.put("name", p.key().name());
        node.put("uid", p.uid());
        node.put("node", p.node().orElse(""));
        strings(node.putArray("ips"), p.ips());
        node.put("service_account", p.serviceAccount());
        node.put("workload", p.workload().map(Object::toString).orElse(""));
        node.put("host_network", p.hostNetwork());
        strings(
                node.putArray("containers"),
                p.containers().stream().map(c -> c.id().id()).toList());
        return node;
    }

    static ArrayNode workloads(Collection<Pod> pods) {
        Map<String, ObjectNode> byKey = new TreeMap<>();
        for (Pod p : pods) {
            p.workload().ifPresent(w -> {
                String key = p.key().namespace() + "/" + w;
                ObjectNode node = byKey.computeIfAbsent(key, k -> {
                    ObjectNode created = MAPPER.createObjectNode();
                    created.put("namespace", p.key().namespace());
                    created.put("kind", w.kind());
                    created.put("name", w.name());
                    created.putArray("pods");
                    return created;
                });
                ((ArrayNode) node.get("pods")).add(p.key().name());
            });
        }
        ArrayNode array = MAPPER.createArrayNode();
        byKey.values().forEach(array::add);
        return array;
    }

    static ObjectNode container(ContainerAsset c) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("container_id", c.id().id());
        node.put("name", c.name());
        node.put("host", c.host().orElse(""));
        node.put("namespace", c.pod().map(p -> p.namespace()).orElse(""));
        node.put("pod", c.pod().map(p -> p.name()).orElse(""));
        node.put("image", c.image().toString());
        node.put("image_digest", c.imageDigest().orElse(""));
        node.put("config_digest", c.configDigest().orElse(""));
        node.put("privileged", c.privileged());
        return node;
    }

    static ObjectNode catalogueImage(ImageCatalogue.Entry e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("image", e.image().toString());
        strings(node.putArray("repo_digests"), e.repoDigests());
        node.put("config_digest", e.configDigest().orElse(""));
        node.put("containers", e.containers().size());
        node.put("findings", e.findings().size());
        node.put("joined_by", e.joinedBy());
        strings(
                node.putArray("reports"),
                e.reports().stream().map(ScanReport::file).toList());
        return node;
    }

    static ObjectNode finding(ScanReport report, Finding f, boolean knownExploited) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", f.id());
        strings(node.putArray("aliases"), f.aliases());
        node.put("severity", f.severity().label());
        node.put("package", f.pkg().name());
        node.put("ecosystem", f.pkg().ecosystem());
        node.put("installed_version", f.pkg().version());
        node.put("fixed_version", f.fixedVersion().orElse(""));
        node.put("title", f.title());
        node.put("known_exploited", knownExploited);
        node.put("scanner", report.scanner());
        node.put("report", report.file());
        node.put("image", report.image().map(Object::toString).orElse(""));
        strings(node.putArray("repo_digests"), report.repoDigests());
        return node;
    }

    static ObjectNode change(StoryboardChange c) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", c.type().label());
        node.put("id", c.id());
        node.put("severity", c.severity().label());
        node.put("records", c.records());
        c.previousSeverity().ifPresent(p -> node.put("previous_severity", p.label()));
        if (!c.merged().isEmpty()) {
            strings(node.putArray("merged"), c.merged());
        }
        return node;
    }

    static ObjectNode ingest(IngestResult r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("stream", r.stream());
        node.put("format", r.format());
        node.put("accepted", r.accepted());
        node.put("first_seq", r.firstStreamSeq());
        node.put("last_seq", r.lastStreamSeq());
        node.set("skipped", skips(r.skipped()));
        return node;
    }

    static ArrayNode skips(List<IngestResult.Skip> skipped) {
        ArrayNode array = MAPPER.createArrayNode();
        skipped.forEach(s -> array.addObject().put("index", s.index()).put("reason", s.reason()));
        return array;
    }

    static ObjectNode assetCounts(View view) {
        View.Assets assets = view.assets();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("clusters", assets.clusters().size());
        node.put("nodes", assets.hosts().size());
        node.put("workloads", workloads(assets.pods()).size());
        node.put("pods", assets.pods().size());
        node.put("containers", assets.containers().size());
        node.put("images", view.catalogue().entries().size());
        return node;
    }

    static ObjectNode error(String code, String message) {
        ObjectNode node = MAPPER.createObjectNode();
        node.putObject("error").put("code", code).put("message", message);
        return node;
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }
}
