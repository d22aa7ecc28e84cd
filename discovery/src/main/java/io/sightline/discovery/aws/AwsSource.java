package io.sightline.discovery.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.Tracked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Discovers one AWS account in one region into its own scope of the {@link AssetStore}: EC2
 * instances (kind {@code Instance}, keyed by instance id) and EKS clusters (kind {@code Cluster}).
 * Every list is paginated by the SDK's paginators, and calls are retried with backoff on
 * throttling by the settings' retry strategy.
 *
 * <p>A call that fails (403, an expired token, an unreachable endpoint) is reported by source and
 * operation, and the kind it lists keeps what its last complete list left. A cluster that is listed
 * but cannot be described is kept with its last description, or by name alone.
 */
public final class AwsSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AwsSource.class);

    private final String name;
    private final Ec2Client ec2;
    private final EksClient eks;
    private final AssetStore store;

    public AwsSource(String name, AwsSettings settings, AssetStore store) {
        this.name = requireNonNull(name, "name is null");
        requireNonNull(settings, "settings is null");
        this.store = requireNonNull(store, "store is null");
        var ec2Builder = Ec2Client.builder()
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(settings.retryStrategy()));
        var eksBuilder = EksClient.builder()
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(settings.retryStrategy()));
        settings.endpoint().ifPresent(endpoint -> {
            ec2Builder.endpointOverride(endpoint);
            eksBuilder.endpointOverride(endpoint);
        });
        this.ec2 = ec2Builder.build();
        this.eks = eksBuilder.build();
    }

    public String name() {
        return name;
    }

    public SourceReport sync() {
        long started = System.nanoTime();
        List<SourceError> errors = new ArrayList<>();
        syncInstances(errors);
        syncClusters(errors);
        SourceReport report =
                new SourceReport(name, store.liveCounts(name), errors, Duration.ofNanos(System.nanoTime() - started));
        LOG.info(
                "sync done source={} counts={} errors={} took={}ms",
                name,
                report.counts(),
                errors.size(),
                report.took().toMillis());
        return report;
    }

    private void syncInstances(List<SourceError> errors) {
        try {
            Map<ObjectKey, JsonNode> listed = new LinkedHashMap<>();
            for (Instance instance : ec2.describeInstancesPaginator().reservations().stream()
                    .flatMap(reservation -> reservation.instances().stream())
                    .toList()) {
                listed.put(
                        ObjectKey.clusterScoped(InventorySnapshot.INSTANCE, instance.instanceId()),
                        SdkJson.toJson(instance));
            }
            store.replaceKind(name, InventorySnapshot.INSTANCE, listed);
        } catch (SdkException e) {
            errors.add(error("ec2:DescribeInstances", e, "instances kept from the last complete sync"));
        }
    }

    private void syncClusters(List<SourceError> errors) {
        List<String> names;
        try {
            names = eks.listClustersPaginator().clusters().stream().toList();
        } catch (SdkException e) {
            errors.add(error("eks:ListClusters", e, "clusters kept from the last complete sync"));
            return;
        }
        Map<ObjectKey, JsonNode> listed = new LinkedHashMap<>();
        for (String cluster : names) {
            ObjectKey key = ObjectKey.clusterScoped(InventorySnapshot.CLUSTER, cluster);
            try {
                listed.put(
                        key,
                        SdkJson.toJson(eks.describeCluster(r -> r.name(cluster)).cluster()));
            } catch (SdkException e) {
                errors.add(error("eks:DescribeCluster " + cluster, e, "cluster kept by name and last description"));
                listed.put(
                        key,
                        store.object(name, key)
                                .map(Tracked::object)
                                .orElseGet(() ->
                                        JsonNodeFactory.instance.objectNode().put("name", cluster)));
            }
        }
        store.replaceKind(name, InventorySnapshot.CLUSTER, listed);
    }

    private SourceError error(String operation, SdkException e, String consequence) {
        String cause = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? "HTTP " + service.statusCode() + " "
                        + service.awsErrorDetails().errorCode() + ": "
                        + service.awsErrorDetails().errorMessage()
                : "unreachable or refused: " + e.getMessage();
        LOG.warn("sync failed source={} operation={} cause={}", name, operation, cause);
        return new SourceError(name, operation, cause + "; " + consequence);
    }

    @Override
    public void close() {
        ec2.close();
        eks.close();
    }
}
