package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Cluster;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code aws eks describe-cluster} output ({@code {"cluster": {...}}}) and
 * {@code aws eks list-clusters} output ({@code {"clusters": ["name", ...]}}, names only) into
 * {@link Cluster}s. ECS {@code describe-clusters} and GKE {@code clusters.list} also answer with a
 * {@code clusters} array, of objects; those are rejected.
 */
public final class EksClusterParser {

    private static final String EXPECTED = "expected aws eks describe-cluster output ({\"cluster\": {...}}) or"
            + " aws eks list-clusters output ({\"clusters\": [names]}), got ";

    private EksClusterParser() {}

    public static boolean accepts(JsonNode root) {
        return rejection(root).isEmpty();
    }

    public static void parse(JsonNode root, String file, Inventory into, List<SkippedRecord> skipped)
            throws RecordException {
        Optional<String> rejection = rejection(root);
        if (rejection.isPresent()) {
            throw new RecordException(rejection.get());
        }
        SkippingReader reader = new SkippingReader(file, skipped);
        if (root.path("cluster").isObject()) {
            JsonNode cluster = root.path("cluster");
            ItemLabel label = new ItemLabel("cluster", "cluster", Fields.text(cluster, "name"));
            reader.read(label, cluster, item -> into.add(described(item)));
            return;
        }
        JsonNode names = root.path("clusters");
        for (int i = 0; i < names.size(); i++) {
            ItemLabel label = new ItemLabel("clusters[" + i + "]", "cluster", Optional.empty());
            reader.read(label, names.get(i), name -> addUnlessKnown(into, listed(name)));
        }
    }

    static Optional<String> rejection(JsonNode root) {
        if (!root.isObject()) {
            return Optional.of(EXPECTED + Documents.describe(root));
        }
        Optional<String> placebo = Documents.placeboHint(root);
        if (placebo.isPresent()) {
            return Optional.of(EXPECTED + placebo.get());
        }
        if (root.path("cluster").isObject()) {
            return Optional.empty();
        }
        JsonNode clusters = root.path("clusters");
        if (!clusters.isArray()) {
            return Optional.of(EXPECTED + Documents.describe(root));
        }
        for (int i = 0; i < clusters.size(); i++) {
            if (!clusters.get(i).isTextual()) {
                return Optional.of(EXPECTED + "clusters[" + i + "] as " + Documents.describe(clusters.get(i))
                        + " (ECS describe-clusters and GKE clusters.list have a clusters array of objects)");
            }
        }
        return Optional.empty();
    }

    private static Cluster described(JsonNode cluster) throws RecordException {
        return new Cluster(
                Fields.requiredText(cluster, "name"),
                Fields.text(cluster, "arn"),
                Fields.text(cluster, "endpoint"),
                Fields.text(cluster, "version"));
    }

    /** A listed name adds nothing to a cluster already described, whichever file came first. */
    private static void addUnlessKnown(Inventory into, Cluster cluster) {
        if (into.clusters().stream().noneMatch(known -> known.name().equals(cluster.name()))) {
            into.add(cluster);
        }
    }

    private static Cluster listed(JsonNode name) throws RecordException {
        if (name.asText().isEmpty()) {
            throw RecordException.invalid("clusters[]", "a cluster name", name.asText());
        }
        return new Cluster(name.asText(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
