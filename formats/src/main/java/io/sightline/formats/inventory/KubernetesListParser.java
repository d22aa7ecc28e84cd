package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code kubectl get pods,nodes,services,endpointslices -o json} output: a {@code List}
 * whose items carry their own kind, a typed list ({@code PodList} and so on, as the API server
 * returns it, whose items may omit their kind), or one object as {@code kubectl get pod x -o json}
 * prints it. Pods become {@link io.sightline.asset.Pod}s with their containers, Nodes become
 * {@link io.sightline.asset.Host}s, Services and their EndpointSlices (or legacy Endpoints) become
 * Services and ServiceEndpoints. Items of other kinds in a {@code List} are skipped with a reason.
 */
public final class KubernetesListParser {

    private static final Set<String> ITEM_KINDS = Set.of("Pod", "Node", "Service", "EndpointSlice", "Endpoints");

    private static final Map<String, String> TYPED_LISTS = Map.of(
            "PodList", "Pod",
            "NodeList", "Node",
            "ServiceList", "Service",
            "EndpointSliceList", "EndpointSlice",
            "EndpointsList", "Endpoints");

    private static final String GENERIC_LIST = "List";

    private static final String ITEM_KINDS_TEXT = "Pod, Node, Service, EndpointSlice or Endpoints";

    private static final String EXPECTED = "kind List, PodList, NodeList, ServiceList, EndpointSliceList or"
            + " EndpointsList, or a single Pod, Node, Service, EndpointSlice or Endpoints";

    private KubernetesListParser() {}

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
        String kind = root.path("kind").asText();
        if (ITEM_KINDS.contains(kind)) {
            readItem(reader, "", kind, root, file, into);
            return;
        }
        Optional<String> listItemKind = Optional.ofNullable(TYPED_LISTS.get(kind));
        JsonNode items = root.path("items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String path = "items[" + i + "]";
            Optional<String> itemKind = Fields.text(item, "kind").or(() -> listItemKind);
            if (itemKind.isEmpty()) {
                reader.skip(new ItemLabel(path, "item", KubeObjects.displayName(item)), "missing field kind");
            } else {
                readItem(reader, path, itemKind.get(), item, file, into);
            }
        }
    }

    /** Why the document is not kubectl output, or empty when it is. */
    static Optional<String> rejection(JsonNode root) {
        if (!root.isObject()) {
            return Optional.of(
                    "expected a Kubernetes object or list (kubectl get -o json), got " + Documents.describe(root));
        }
        Optional<String> kind = Fields.text(root, "kind");
        if (kind.isEmpty() || Fields.text(root, "apiVersion").isEmpty()) {
            return Optional.of("expected a Kubernetes object with kind and apiVersion (kubectl get -o json), got "
                    + Documents.describe(root));
        }
        if (ITEM_KINDS.contains(kind.get())) {
            return Optional.empty();
        }
        if (!kind.get().equals(GENERIC_LIST) && !TYPED_LISTS.containsKey(kind.get())) {
            return Optional.of("expected " + EXPECTED + ", got kind " + kind.get());
        }
        if (!root.path("items").isArray()) {
            return Optional.of("kind " + kind.get() + " without an items array");
        }
        return Optional.empty();
    }

    private static void readItem(
            SkippingReader reader, String path, String kind, JsonNode item, String file, Inventory into) {
        ItemLabel label = new ItemLabel(path, kind.toLowerCase(Locale.ROOT), KubeObjects.displayName(item));
        switch (kind) {
            case "Pod" -> reader.read(label, item, pod -> into.add(PodReader.read(pod)));
            case "Node" -> reader.read(label, item, node -> into.add(NodeReader.read(node, file)));
            case "Service" -> reader.read(label, item, service -> into.add(ServiceReader.read(service)));
            case "EndpointSlice" ->
                reader.read(
                        label, item, slice -> EndpointReader.readSlice(slice).forEach(into::add));
            case "Endpoints" ->
                reader.read(
                        label,
                        item,
                        endpoints -> EndpointReader.readEndpoints(endpoints).forEach(into::add));
            default -> reader.skip(label, "kind " + kind + " is not inventory (expected " + ITEM_KINDS_TEXT + ")");
        }
    }
}
