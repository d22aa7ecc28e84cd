package io.sightline.discovery.k8s;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.AnyNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers one Kubernetes cluster into its own scope of the {@link AssetStore}: nodes, namespaces,
 * pods, Services, EndpointSlices, Ingresses and the workloads that own pods.
 *
 * <p>{@link #sync()} lists every kind in pages; a kind whose list fails (403, a continue token that
 * expired, a dropped connection) is reported and keeps what the last complete list left, and the
 * other kinds go on. {@link #watch()} keeps the scope live with one informer per kind: informers
 * upsert on add and update and mark gone on delete, and after a dropped watch they relist and
 * report what disappeared as deletions, so they too sweep only after a complete list.
 *
 * <p>Thread-safe: informers call back on the client's threads and the store serialises them.
 */
public final class KubernetesSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);

    private static final long PAGE_SIZE = 500;

    private final String name;
    private final KubernetesClient client;
    private final AssetStore store;
    private final Map<String, SharedIndexInformer<?>> informers = new ConcurrentHashMap<>();

    public KubernetesSource(String name, KubernetesClient client, AssetStore store) {
        this.name = requireNonNull(name, "name is null");
        this.client = requireNonNull(client, "client is null");
        this.store = requireNonNull(store, "store is null");
    }

    public String name() {
        return name;
    }

    /** Lists every kind once and applies each complete list to the store. */
    public SourceReport sync() {
        return list("sync", (kind, listed, mark) -> store.replaceKind(name, kind, listed));
    }

    /**
     * Lists every kind again while the informers run, and applies each complete list without
     * undoing what they saw meanwhile: an object an informer added, changed or deleted after the
     * list of its kind began is left as the informer wrote it ({@link AssetStore#replaceKindListedAfter}).
     * This catches what a watch missed without a relist of its own, such as a deletion lost while the
     * watch was reconnecting and the informer's cache still held the object.
     */
    public SourceReport relist() {
        return list("relist", (kind, listed, mark) -> store.replaceKindListedAfter(name, kind, listed, mark));
    }

    private SourceReport list(String what, Apply apply) {
        long started = System.nanoTime();
        List<SourceError> errors = new ArrayList<>();
        for (KubeKind kind : KubeKind.ALL) {
            try {
                long mark = store.mark();
                apply.apply(kind.kind(), listAll(kind), mark);
            } catch (KubernetesClientException e) {
                errors.add(error(kind, e));
                if (unreachable(e)) {
                    // Every other kind would fail the same way, each after its own retries.
                    break;
                }
            }
        }
        SourceReport report =
                new SourceReport(name, store.liveCounts(name), errors, Duration.ofNanos(System.nanoTime() - started));
        LOG.info(
                "{} done source={} counts={} errors={} took={}ms",
                what,
                name,
                report.counts(),
                errors.size(),
                report.took().toMillis());
        return report;
    }

    /**
     * Starts one informer per kind, each listing in pages and then watching. Returns once every
     * informer has finished its first list or failed; failed kinds are in the report's errors.
     * Called again, it starts only the kinds that have no running informer: those that failed to
     * start, and those whose informer stopped after a failed relist of its own.
     */
    public synchronized SourceReport watch() {
        long started = System.nanoTime();
        List<SourceError> errors = new ArrayList<>();
        for (KubeKind kind : KubeKind.ALL) {
            SharedIndexInformer<?> running = informers.get(kind.kind());
            if (running != null && running.isRunning()) {
                continue;
            }
            if (running != null) {
                running.stop();
                informers.remove(kind.kind());
            }
            try {
                informers.put(kind.kind(), inform(kind));
            } catch (KubernetesClientException e) {
                errors.add(error(kind, e));
                if (unreachable(e)) {
                    break;
                }
            }
        }
        return new SourceReport(name, store.liveCounts(name), errors, Duration.ofNanos(System.nanoTime() - started));
    }

    /** True once every kind has an informer that has listed it and is watching. */
    public boolean watching() {
        return informers.size() == KubeKind.ALL.size()
                && informers.values().stream().allMatch(i -> i.hasSynced() && i.isWatching());
    }

    @Override
    public synchronized void close() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
    }

    private <T extends HasMetadata> Map<ObjectKey, JsonNode> listAll(KubeKind kind) {
        AnyNamespaceOperation<T, KubernetesResourceList<T>, Resource<T>> operation = operation(kind);
        Map<ObjectKey, JsonNode> listed = new LinkedHashMap<>();
        Optional<String> next = Optional.empty();
        do {
            KubernetesResourceList<T> page = operation.list(new ListOptionsBuilder()
                    .withLimit(PAGE_SIZE)
                    .withContinue(next.orElse(null))
                    .build());
            page.getItems().forEach(item -> listed.put(keyOf(kind, item), json(kind, item)));
            next = Optional.ofNullable(page.getMetadata())
                    .map(m -> m.getContinue())
                    .filter(c -> !c.isEmpty());
        } while (next.isPresent());
        return listed;
    }

    /**
     * Starts an informer and waits for its first list. One whose first list fails is stopped here: left
     * running, it would retry its watch in the background where {@link #close()} cannot reach it.
     */
    private <T extends HasMetadata> SharedIndexInformer<T> inform(KubeKind kind) {
        AnyNamespaceOperation<T, KubernetesResourceList<T>, Resource<T>> operation = operation(kind);
        SharedIndexInformer<T> informer = operation.withLimit(PAGE_SIZE).runnableInformer(0);
        informer.addEventHandler(new Handler<T>(kind));
        try {
            return informer.run();
        } catch (RuntimeException e) {
            informer.stop();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> AnyNamespaceOperation<T, KubernetesResourceList<T>, Resource<T>> operation(
            KubeKind kind) {
        var resources = client.resources((Class<T>) kind.type());
        return kind.namespaced() ? resources.inAnyNamespace() : resources;
    }

    private ObjectKey keyOf(KubeKind kind, HasMetadata item) {
        String namespace =
                Optional.ofNullable(item.getMetadata().getNamespace()).orElse("");
        return new ObjectKey(
                kind.kind(),
                kind.namespaced() ? namespace : "",
                item.getMetadata().getName());
    }

    /**
     * The object as kubectl prints it. List items come without kind and apiVersion from the API
     * server; they are set here so the object reads the same alone or in a {@code List}.
     */
    private JsonNode json(KubeKind kind, HasMetadata item) {
        ObjectNode object = client.getKubernetesSerialization().convertValue(item, ObjectNode.class);
        object.put("apiVersion", kind.apiVersion());
        object.put("kind", kind.kind());
        return object;
    }

    private SourceError error(KubeKind kind, KubernetesClientException e) {
        String message = unreachable(e)
                ? "API server unreachable (" + rootCause(e) + "); every kind kept from the last complete sync"
                : "HTTP " + e.getCode() + " listing " + kind.kind() + " objects: " + firstLine(e.getMessage()) + "; "
                        + kind.kind() + " objects kept from the last complete sync";
        LOG.warn("sync failed source={} kind={} cause={}", name, kind.kind(), message);
        return new SourceError(name, kind.kind(), message);
    }

    /** No HTTP status came back: the connection itself failed. */
    private static boolean unreachable(KubernetesClientException e) {
        return e.getCode() <= 0;
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @FunctionalInterface
    private interface Apply {
        void apply(String kind, Map<ObjectKey, JsonNode> listed, long mark);
    }

    private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {

        private final KubeKind kind;

        Handler(KubeKind kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(T item) {
            store.upsert(name, keyOf(kind, item), json(kind, item));
        }

        @Override
        public void onUpdate(T previous, T item) {
            store.upsert(name, keyOf(kind, item), json(kind, item));
        }

        @Override
        public void onDelete(T item, boolean finalStateUnknown) {
            LOG.debug("deleted source={} object={}", name, keyOf(kind, item));
            store.markGone(name, keyOf(kind, item));
        }
    }
}
