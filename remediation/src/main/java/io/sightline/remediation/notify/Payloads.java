package io.sightline.remediation.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.rank.PackageFix;
import io.sightline.remediation.fixes.FixWork;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.List;

/**
 * The two payload shapes: a generic webhook event (JSON a receiver can route on {@code event}
 * and {@code severity}) and a ticket (title, description in Markdown, labels, priority) that an
 * issue tracker's create endpoint, or a small adapter in front of it, takes.
 */
public final class Payloads {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Payloads() {}

    public static String webhook(Storyboard storyboard) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("source", "sightline");
        event.put("event", "storyboard");
        event.put("id", storyboard.id());
        event.put("severity", storyboard.severity().label());
        strings(event.putArray("severity_reasons"), storyboard.severityReasons());
        event.put("first_seen", storyboard.firstSeen().toString());
        event.put("last_seen", storyboard.lastSeen().toString());
        strings(event.putArray("hosts"), storyboard.hosts());
        strings(
                event.putArray("pods"),
                storyboard.containers().stream()
                        .map(c -> c.namespace() + "/" + c.pod())
                        .distinct()
                        .toList());
        strings(event.putArray("images"), storyboard.imageDigests());
        strings(event.putArray("identities"), storyboard.identities());
        strings(event.putArray("external_addresses"), storyboard.externalAddresses());
        strings(
                event.putArray("techniques"),
                storyboard.techniques().stream()
                        .map(Storyboard.TechniqueTag::id)
                        .toList());
        return write(event);
    }

    public static String ticket(Storyboard storyboard) {
        ObjectNode ticket = MAPPER.createObjectNode();
        ticket.put(
                "title",
                "[Sightline " + storyboard.severity().label() + "] attack " + storyboard.id() + " on "
                        + String.join(", ", storyboard.hosts()));
        List<String> lines = new ArrayList<>();
        lines.add("**Severity:** " + storyboard.severity().label());
        storyboard.severityReasons().forEach(r -> lines.add("- " + r));
        lines.add("");
        lines.add("**Seen:** " + storyboard.firstSeen() + " .. " + storyboard.lastSeen());
        lines.add("**Pods:** "
                + String.join(
                        ", ",
                        storyboard.containers().stream()
                                .map(c -> c.namespace() + "/" + c.pod())
                                .distinct()
                                .toList()));
        lines.add("**Images:** " + String.join(", ", storyboard.imageDigests()));
        lines.add("");
        lines.add("Next: `sightline remediate " + storyboard.id() + " --from DIR` lists the runtime actions;"
                + " `sightline fixes --from DIR` the rebuilds.");
        ticket.put("description", String.join("\n", lines));
        strings(
                ticket.putArray("labels"),
                List.of(
                        "sightline",
                        "security",
                        "storyboard",
                        storyboard.severity().label()));
        ticket.put("priority", priority(storyboard.severity().label()));
        ticket.put("external_id", "sightline:" + storyboard.id());
        return write(ticket);
    }

    public static String webhook(FixWork work, String severity) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("source", "sightline");
        event.put("event", "image");
        event.put("image", work.image());
        event.put("severity", severity);
        strings(event.putArray("repo_digests"), work.repoDigests());
        strings(event.putArray("storyboards"), work.storyboards());
        ArrayNode upgrades = event.putArray("upgrades");
        for (PackageFix fix : work.upgrades()) {
            upgrades.addObject()
                    .put("package", fix.packageName())
                    .put("installed_version", fix.installedVersion())
                    .put("fixed_version", fix.fixedVersion())
                    .put("worst", fix.worstId());
        }
        work.baseImage().ifPresent(base -> event.put("base_image", base));
        ArrayNode rollouts = event.putArray("rollouts");
        work.rollouts().forEach(r -> rollouts.add(r.describe()));
        return write(event);
    }

    public static String ticket(FixWork work, String severity) {
        ObjectNode ticket = MAPPER.createObjectNode();
        ticket.put("title", "[Sightline " + severity + "] rebuild " + work.image());
        List<String> lines = new ArrayList<>();
        lines.add("**Digest:** " + String.join(", ", work.repoDigests()));
        if (!work.storyboards().isEmpty()) {
            lines.add("**Attacked in:** " + String.join(", ", work.storyboards()));
        }
        work.baseImage().ifPresent(base -> lines.add("**Base image:** " + base));
        lines.add("");
        lines.add("Upgrades:");
        work.upgrades()
                .forEach(f -> lines.add("- " + f.packageName() + " " + f.installedVersion() + " -> " + f.fixedVersion()
                        + " (clears " + String.join(", ", f.vulnerabilities()) + ")"));
        lines.add("");
        lines.add("Roll after the rebuild:");
        work.rollouts().forEach(r -> lines.add("- " + r.describe()));
        work.views().forEach(v -> lines.add("[" + v.kind() + "](" + v.url() + ")"));
        ticket.put("description", String.join("\n", lines));
        strings(ticket.putArray("labels"), List.of("sightline", "security", "rebuild", severity));
        ticket.put("priority", priority(severity));
        ticket.put(
                "external_id",
                "sightline:" + work.repoDigests().stream().findFirst().orElse(work.image()));
        return write(ticket);
    }

    private static String priority(String severity) {
        return switch (severity) {
            case "critical" -> "highest";
            case "high" -> "high";
            case "medium" -> "medium";
            default -> "low";
        };
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a notification payload", e);
        }
    }
}
