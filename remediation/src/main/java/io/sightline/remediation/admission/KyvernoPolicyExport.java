package io.sightline.remediation.admission;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sightline.finding.Severity;
import io.sightline.remediation.action.Labels;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kyverno {@code ClusterPolicy} that refuses pods (and, through Kyverno's rule auto-generation,
 * their controllers) whose containers reference an implicated image by digest. Lifted by deleting
 * the policy; the command is in its {@code sightline.io/lift} annotation.
 *
 * <p>The failure action is set at {@code spec.validationFailureAction}, which every Kyverno 1.x
 * accepts (1.13 and later prefer the per-rule {@code validate.failureAction} and warn).
 *
 * <p>TODO: a pod that names an implicated image only by tag is not matched: Kyverno would have to
 * resolve the tag at admission (an {@code imageRegistry} context entry, needing registry access),
 * which this export does not set up.
 */
public final class KyvernoPolicyExport {

    public static final String DEFAULT_NAME = "sightline-block-implicated-images";

    private static final YAMLMapper YAML =
            new YAMLMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private KyvernoPolicyExport() {}

    /** Images of the storyboards at {@code threshold} or above, one entry per digest. */
    public static List<ImplicatedImage> implicated(List<Storyboard> storyboards, Severity threshold) {
        Map<String, Set<String>> refs = new LinkedHashMap<>();
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        for (Storyboard storyboard : storyboards) {
            if (!storyboard.severity().atLeast(threshold)) {
                continue;
            }
            for (String digest : storyboard.imageDigests()) {
                refs.computeIfAbsent(digest, d -> new LinkedHashSet<>());
                ids.computeIfAbsent(digest, d -> new LinkedHashSet<>()).add(storyboard.id());
            }
            for (Storyboard.ContainerEntity container : storyboard.containers()) {
                if (container.imageDigest() != null && !container.imageDigest().isEmpty()) {
                    refs.computeIfAbsent(container.imageDigest(), d -> new LinkedHashSet<>())
                            .add(container.image());
                    ids.computeIfAbsent(container.imageDigest(), d -> new LinkedHashSet<>())
                            .add(storyboard.id());
                }
            }
        }
        List<ImplicatedImage> images = new ArrayList<>();
        refs.forEach((digest, references) ->
                images.add(new ImplicatedImage(digest, List.copyOf(references), List.copyOf(ids.get(digest)))));
        return images;
    }

    public static String toYaml(String name, List<ImplicatedImage> images) {
        requireNonNull(name, "name is null");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no implicated image to block; a policy with an empty deny list would"
                    + " be rejected by Kyverno, so none is written");
        }
        try {
            return YAML.writeValueAsString(policy(name, images));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the Kyverno policy as YAML", e);
        }
    }

    static ObjectNode policy(String name, List<ImplicatedImage> images) {
        ObjectNode policy = NODES.objectNode();
        policy.put("apiVersion", "kyverno.io/v1");
        policy.put("kind", "ClusterPolicy");
        ObjectNode metadata = policy.putObject("metadata");
        metadata.put("name", name);
        metadata.putObject("labels").put(Labels.MANAGED_BY, Labels.SIGHTLINE);
        Set<String> storyboards = new LinkedHashSet<>();
        images.forEach(i -> storyboards.addAll(i.storyboards()));
        ObjectNode annotations = metadata.putObject("annotations");
        annotations.put("policies.kyverno.io/title", "Block images implicated in Sightline storyboards");
        annotations.put("policies.kyverno.io/category", "Sightline");
        annotations.put("policies.kyverno.io/subject", "Pod");
        annotations.put(
                "policies.kyverno.io/description",
                "Refuses workloads whose containers reference, by digest, an image that took part in an attack"
                        + " Sightline reported. Rebuild the image with the fix list and deploy the new digest.");
        annotations.put("sightline.io/storyboards", String.join(",", storyboards));
        annotations.put("sightline.io/lift", "kubectl delete clusterpolicy " + name);

        ObjectNode spec = policy.putObject("spec");
        spec.put("validationFailureAction", "Enforce");
        spec.put("background", true);
        ObjectNode rule = spec.putArray("rules").addObject();
        rule.put("name", "block-implicated-digests");
        rule.putObject("match")
                .putArray("any")
                .addObject()
                .putObject("resources")
                .putArray("kinds")
                .add("Pod");
        ObjectNode validate = rule.putObject("validate");
        validate.put(
                "message",
                "image {{ element.image }} is implicated in a Sightline storyboard (" + String.join(", ", storyboards)
                        + "); rebuild it before deploying");
        ObjectNode each = validate.putArray("foreach").addObject();
        each.put("list", "request.object.spec.[ephemeralContainers, initContainers, containers][]");
        ObjectNode condition =
                each.putObject("deny").putObject("conditions").putArray("any").addObject();
        condition.put("key", "{{ element.image }}");
        condition.put("operator", "AnyIn");
        ArrayNode values = condition.putArray("value");
        images.forEach(image -> values.add("*@" + image.digest()));
        return policy;
    }
}
