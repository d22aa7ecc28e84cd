package io.sightline.discovery.sources;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.aws.AwsAccountDiscovery;
import io.sightline.discovery.aws.AwsSettings;
import io.sightline.discovery.docker.DockerEngine;
import io.sightline.discovery.docker.DockerSource;
import io.sightline.discovery.k8s.KubernetesSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers registered sources into one {@link AssetStore}, one after the other. Each source writes
 * only its own scope, and a source that cannot even start (a kubeconfig gone, a context it does not
 * hold, a bug) becomes a report with an error: the other sources go on and their assets are not
 * touched.
 */
public final class RegisteredDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(RegisteredDiscovery.class);

    /** Regions of one account read at once. */
    public static final int DEFAULT_REGION_CONCURRENCY = 4;

    /** Few retries: an unreachable API server is reported in seconds, not after minutes of backoff. */
    private static final int KUBERNETES_REQUEST_RETRIES = 2;

    private final AssetStore store;
    private final Function<RegisteredSource.AwsAccount, AwsSettings> awsSettings;
    private final int regionConcurrency;

    public RegisteredDiscovery(
            AssetStore store, Function<RegisteredSource.AwsAccount, AwsSettings> awsSettings, int regionConcurrency) {
        this.store = requireNonNull(store, "store is null");
        this.awsSettings = requireNonNull(awsSettings, "awsSettings is null");
        this.regionConcurrency = regionConcurrency;
    }

    /** AWS accounts use their profile or the default credential chain. */
    public static RegisteredDiscovery defaults(AssetStore store) {
        return new RegisteredDiscovery(store, AwsAccountDiscovery::settingsOf, DEFAULT_REGION_CONCURRENCY);
    }

    /** Every source's reports, in the order given; an AWS account gives one report per region. */
    public List<SourceReport> discover(List<RegisteredSource> sources) {
        List<SourceReport> reports = new ArrayList<>();
        sources.forEach(source -> reports.addAll(discover(source)));
        return reports;
    }

    public List<SourceReport> discover(RegisteredSource source) {
        long started = System.nanoTime();
        try {
            return switch (source) {
                case RegisteredSource.Cluster cluster -> List.of(syncCluster(cluster));
                case RegisteredSource.AwsAccount account ->
                    new AwsAccountDiscovery(account, awsSettings.apply(account), regionConcurrency, store).sync();
                case RegisteredSource.DockerHost host ->
                    List.of(new DockerSource(host.name(), new DockerEngine(host.docker()), store).sync());
            };
        } catch (RuntimeException e) {
            LOG.warn("source failed source={} cause={}", source.name(), e.toString());
            return List.of(new SourceReport(
                    source.name(),
                    store.liveCounts(source.name()),
                    List.of(new SourceError(
                            source.name(),
                            source.type(),
                            e.getMessage() + "; its assets kept from the last complete sync")),
                    Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    private SourceReport syncCluster(RegisteredSource.Cluster cluster) {
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config(cluster)).build()) {
            return new KubernetesSource(cluster.name(), client, store).sync();
        }
    }

    /** The client configuration of a registered cluster, read from its kubeconfig now. */
    public static Config config(RegisteredSource.Cluster cluster) {
        if (!Files.isRegularFile(cluster.kubeconfig())) {
            throw new IllegalArgumentException("kubeconfig " + cluster.kubeconfig() + ": no such file");
        }
        Config config = Config.fromKubeconfig(
                cluster.context().orElse(null), cluster.kubeconfig().toFile());
        config.setRequestRetryBackoffLimit(KUBERNETES_REQUEST_RETRIES);
        return config;
    }

    /**
     * The API server URL of each registered cluster, as its kubeconfig names it now; a cluster whose
     * kubeconfig cannot be read is left out (its sync reports why).
     */
    public static Map<String, String> servers(List<RegisteredSource.Cluster> clusters) {
        Map<String, String> servers = new LinkedHashMap<>();
        for (RegisteredSource.Cluster cluster : clusters) {
            try {
                servers.put(cluster.name(), config(cluster).getMasterUrl());
            } catch (RuntimeException e) {
                LOG.debug("no server for cluster={} cause={}", cluster.name(), e.toString());
            }
        }
        return servers;
    }

    /** Checks that a kubeconfig file parses and holds the context (or has a current context). */
    public static void checkKubeconfig(Path kubeconfig, Optional<String> context) {
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + ": no such file");
        }
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfig(kubeconfig.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "kubeconfig " + kubeconfig + " cannot be read as a kubeconfig: " + e.getMessage(), e);
        }
        List<String> contexts = Optional.ofNullable(parsed.getContexts()).orElse(List.of()).stream()
                .map(NamedContext::getName)
                .toList();
        String wanted = context.orElse(parsed.getCurrentContext());
        if (wanted == null || wanted.isEmpty()) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + " has no current context; give --context"
                    + " (contexts: " + String.join(", ", contexts) + ")");
        }
        if (!contexts.contains(wanted)) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + " has no context '" + wanted
                    + "' (contexts: " + String.join(", ", contexts) + ")");
        }
    }
}
