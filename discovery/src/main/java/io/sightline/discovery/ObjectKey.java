package io.sightline.discovery;

import static java.util.Objects.requireNonNull;

/**
 * Names one discovered object within its source: its kind ({@code Pod}, {@code Node},
 * {@code Instance}, ...), its namespace (empty for cluster-scoped objects and cloud resources) and
 * its name or id.
 */
public record ObjectKey(String kind, String namespace, String name) {

    public ObjectKey {
        requireNonNull(kind, "kind is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
    }

    public static ObjectKey clusterScoped(String kind, String name) {
        return new ObjectKey(kind, "", name);
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
}
