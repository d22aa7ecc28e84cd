package io.sightline.discovery.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Image;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Discovers one AWS account in one region into its own scope of the {@link AssetStore}: EC2
 * instances (kind {@code Instance}, keyed by instance id), EKS clusters (kind {@code Cluster}) and
 * their managed node groups (kind {@code EksNodegroup}), ECS
 * clusters and tasks, and ECR repositories and images.
 * Every list is paginated by the SDK's paginators, and calls are retried with backoff on
 * throttling by the settings' retry strategy.
 *
 * <p>A call that fails (403, an expired token, an unreachable endpoint) is reported by source and
 * operation, and the kind it lists keeps what its last complete list left. A cluster that is listed
 * but cannot be described is kept with its last description, or by name alone.
 */
public final class AwsSource implements AutoCloseable {

    public static final String EKS_NODEGROUP = "EksNodegroup";
    public static final String ECS_CLUSTER = "EcsCluster";
    public static final String ECS_TASK = InventorySnapshot.ECS_TASK;
    public static final String ECS_CONTAINER_INSTANCE = InventorySnapshot.ECS_CONTAINER_INSTANCE;
    public static final String ECR_REPOSITORY = "EcrRepository";
    public static final String ECR_IMAGE = InventorySnapshot.ECR_IMAGE;

    private static final Logger LOG = LoggerFactory.getLogger(AwsSource.class);

    /** Asked of BatchGetImage so that an index comes back as itself, not as one platform's manifest. */
    private static final List<String> MANIFEST_TYPES = List.of(
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.v1+json");

    private static final Set<String> INDEX_TYPES = Set.of(MANIFEST_TYPES.get(0), MANIFEST_TYPES.get(1));

    private final String name;
    private final Ec2Client ec2;
    private final EksClient eks;
    private final EcsClient ecs;
    private final EcrClient ecr;
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
        var ecsBuilder = EcsClient.builder()
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(settings.retryStrategy()));
        var ecrBuilder = EcrClient.builder()
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(settings.retryStrategy()));
        settings.endpoint().ifPresent(endpoint -> {
            ec2Builder.endpointOverride(endpoint);
            eksBuilder.endpointOverride(endpoint);
            ecsBuilder.endpointOverride(endpoint);
            ecrBuilder.endpointOverride(endpoint);
        });
        this.ec2 = ec2Builder.build();
        this.eks = eksBuilder.build();
        this.ecs = ecsBuilder.build();
        this.ecr = ecrBuilder.build();
    }

    public String name() {
        return name;
    }

    public SourceReport sync() {
        long started = System.nanoTime();
        List<SourceError> errors = new ArrayList<>();
        syncInstances(errors);
        syncClusters(errors);
        syncEcs(errors);
        syncEcr(errors);
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
            errors.add(error("eks:ListClusters", e, "clusters and node groups kept from the last complete sync"));
            return;
        }
        Map<ObjectKey, JsonNode> listed = new LinkedHashMap<>();
        Map<ObjectKey, JsonNode> nodegroups = new LinkedHashMap<>();
        boolean nodegroupsComplete = true;
        for (String cluster : names) {
            ObjectKey key = ObjectKey.clusterScoped(InventorySnapshot.CLUSTER, cluster);
            boolean deleted = false;
            try {
                listed.put(
                        key,
                        SdkJson.toJson(eks.describeCluster(r -> r.name(cluster)).cluster()));
            } catch (SdkException e) {
                // Deleted between the list and the describe: it has no node groups left to list.
                deleted = e instanceof AwsServiceException service && service.statusCode() == 404;
                errors.add(error("eks:DescribeCluster " + cluster, e, "cluster kept by name and last description"));
                listed.put(
                        key,
                        store.object(name, key)
                                .map(Tracked::object)
                                .orElseGet(() ->
                                        JsonNodeFactory.instance.objectNode().put("name", cluster)));
            }
            if (!deleted) {
                nodegroupsComplete &= syncNodegroups(cluster, nodegroups, errors);
            }
        }
        store.replaceKind(name, InventorySnapshot.CLUSTER, listed);
        apply(EKS_NODEGROUP, nodegroups, nodegroupsComplete);
    }

    /**
     * The managed node groups of one cluster (kind {@code EksNodegroup}, keyed
     * {@code <cluster>/<node group>}), each as DescribeNodegroup returns it: instance types, scaling
     * config, {@code resources.autoScalingGroups} and the launch template. A node group that cannot
     * be described is kept with its last description, or by name and cluster alone. Returns whether
     * the cluster's node groups were listed whole.
     */
    private boolean syncNodegroups(String cluster, Map<ObjectKey, JsonNode> into, List<SourceError> errors) {
        List<String> nodegroups;
        try {
            nodegroups = eks.listNodegroupsPaginator(r -> r.clusterName(cluster)).nodegroups().stream()
                    .toList();
        } catch (SdkException e) {
            errors.add(error("eks:ListNodegroups " + cluster, e, "its node groups kept from the last complete sync"));
            return false;
        }
        for (String nodegroup : nodegroups) {
            ObjectKey key = ObjectKey.clusterScoped(EKS_NODEGROUP, cluster + "/" + nodegroup);
            try {
                into.put(
                        key,
                        SdkJson.toJson(eks.describeNodegroup(
                                        r -> r.clusterName(cluster).nodegroupName(nodegroup))
                                .nodegroup()));
            } catch (SdkException e) {
                errors.add(error(
                        "eks:DescribeNodegroup " + cluster + "/" + nodegroup,
                        e,
                        "node group kept by name and last description"));
                into.put(
                        key,
                        store.object(name, key)
                                .map(Tracked::object)
                                .orElseGet(() -> JsonNodeFactory.instance
                                        .objectNode()
                                        .put("nodegroupName", nodegroup)
                                        .put("clusterName", cluster)));
            }
        }
        return true;
    }

    /**
     * ECS clusters (kind {@code EcsCluster}), their tasks (kind {@code EcsTask}), each task with
     * its containers as DescribeTasks returns them: {@code image}, {@code imageDigest} and
     * {@code runtimeId}, and the container instances those tasks run on (kind
     * {@code EcsContainerInstance}, for their {@code ec2InstanceId}). Only container instances that
     * run a listed task are described: Fargate tasks have none, and an idle instance runs no
     * container to link. Tasks are swept only when every cluster's tasks were listed.
     */
    private void syncEcs(List<SourceError> errors) {
        List<String> clusterArns;
        try {
            clusterArns = ecs.listClustersPaginator().clusterArns().stream().toList();
        } catch (SdkException e) {
            errors.add(error("ecs:ListClusters", e, "ECS clusters and tasks kept from the last complete sync"));
            return;
        }
        Map<ObjectKey, JsonNode> clusters = new LinkedHashMap<>();
        Map<ObjectKey, JsonNode> tasks = new LinkedHashMap<>();
        Map<ObjectKey, JsonNode> instances = new LinkedHashMap<>();
        boolean complete = true;
        for (List<String> batch : batches(clusterArns)) {
            try {
                ecs.describeClusters(r -> r.clusters(batch))
                        .clusters()
                        .forEach(c ->
                                clusters.put(ObjectKey.clusterScoped(ECS_CLUSTER, c.clusterArn()), SdkJson.toJson(c)));
            } catch (SdkException e) {
                errors.add(error("ecs:DescribeClusters", e, "ECS clusters kept from the last complete sync"));
                complete = false;
            }
        }
        for (String cluster : clusterArns) {
            try {
                List<String> taskArns = ecs.listTasksPaginator(r -> r.cluster(cluster)).taskArns().stream()
                        .toList();
                List<String> instanceArns = new ArrayList<>();
                for (List<String> batch : batches(taskArns)) {
                    for (Task task : ecs.describeTasks(r -> r.cluster(cluster).tasks(batch))
                            .tasks()) {
                        tasks.put(ObjectKey.clusterScoped(ECS_TASK, task.taskArn()), SdkJson.toJson(task));
                        if (task.containerInstanceArn() != null
                                && !instanceArns.contains(task.containerInstanceArn())) {
                            instanceArns.add(task.containerInstanceArn());
                        }
                    }
                }
                for (List<String> batch : batches(instanceArns)) {
                    for (ContainerInstance instance : ecs.describeContainerInstances(
                                    r -> r.cluster(cluster).containerInstances(batch))
                            .containerInstances()) {
                        instances.put(
                                ObjectKey.clusterScoped(ECS_CONTAINER_INSTANCE, instance.containerInstanceArn()),
                                SdkJson.toJson(instance));
                    }
                }
            } catch (SdkException e) {
                errors.add(error(
                        "ecs:ListTasks/DescribeTasks/DescribeContainerInstances " + cluster,
                        e,
                        "its tasks kept from the last sync"));
                complete = false;
            }
        }
        apply(ECS_CLUSTER, clusters, complete);
        apply(ECS_TASK, tasks, complete);
        apply(ECS_CONTAINER_INSTANCE, instances, complete);
    }

    /**
     * ECR repositories (kind {@code EcrRepository}) and their images (kind {@code EcrImage}, one per
     * digest, keyed {@code repository@digest}, with every tag that points at it). Each repository's
     * images are fetched with BatchGetImage (100 a call) for their manifest media type; an image
     * index keeps its manifest, whose {@code manifests[].digest} are its platform images. If that
     * call fails the images are still listed, with the manifests the last sync fetched.
     */
    private void syncEcr(List<SourceError> errors) {
        List<Repository> repositories;
        try {
            repositories =
                    ecr.describeRepositoriesPaginator().repositories().stream().toList();
        } catch (SdkException e) {
            errors.add(error("ecr:DescribeRepositories", e, "ECR repositories and images kept from the last sync"));
            return;
        }
        Map<ObjectKey, JsonNode> listed = new LinkedHashMap<>();
        repositories.forEach(
                r -> listed.put(ObjectKey.clusterScoped(ECR_REPOSITORY, r.repositoryName()), SdkJson.toJson(r)));
        store.replaceKind(name, ECR_REPOSITORY, listed);
        Map<ObjectKey, JsonNode> images = new LinkedHashMap<>();
        boolean complete = true;
        for (Repository repository : repositories) {
            try {
                Map<String, ObjectNode> byDigest = new LinkedHashMap<>();
                for (ImageIdentifier id : ecr.listImagesPaginator(r -> r.repositoryName(repository.repositoryName()))
                        .imageIds()) {
                    if (id.imageDigest() == null) {
                        continue;
                    }
                    ObjectNode image = byDigest.computeIfAbsent(
                            id.imageDigest(),
                            digest -> JsonNodeFactory.instance
                                    .objectNode()
                                    .put("registryId", repository.registryId())
                                    .put("repositoryName", repository.repositoryName())
                                    .put("repositoryUri", uriOf(repository))
                                    .put("imageDigest", digest));
                    if (id.imageTag() != null) {
                        image.withArray("imageTags").add(id.imageTag());
                    }
                }
                addManifests(repository, byDigest, errors);
                byDigest.forEach((digest, image) -> images.put(
                        ObjectKey.clusterScoped(ECR_IMAGE, repository.repositoryName() + "@" + digest), image));
            } catch (SdkException e) {
                errors.add(error(
                        "ecr:ListImages " + repository.repositoryName(), e, "its images kept from the last sync"));
                complete = false;
            }
        }
        apply(ECR_IMAGE, images, complete);
    }

    private void addManifests(Repository repository, Map<String, ObjectNode> byDigest, List<SourceError> errors) {
        List<String> digests = List.copyOf(byDigest.keySet());
        for (List<String> batch : batches(digests)) {
            try {
                List<ImageIdentifier> ids = batch.stream()
                        .map(d -> ImageIdentifier.builder().imageDigest(d).build())
                        .toList();
                for (Image image : ecr.batchGetImage(r -> r.repositoryName(repository.repositoryName())
                                .registryId(repository.registryId())
                                .imageIds(ids)
                                .acceptedMediaTypes(MANIFEST_TYPES))
                        .images()) {
                    ObjectNode known = image.imageId() == null
                            ? null
                            : byDigest.get(image.imageId().imageDigest());
                    if (known != null && image.imageManifestMediaType() != null) {
                        known.put("imageManifestMediaType", image.imageManifestMediaType());
                        if (INDEX_TYPES.contains(image.imageManifestMediaType())) {
                            known.put("imageManifest", image.imageManifest());
                        }
                    }
                }
            } catch (SdkException e) {
                errors.add(error(
                        "ecr:BatchGetImage " + repository.repositoryName(),
                        e,
                        "its images listed with the manifests of the last sync"));
                batch.forEach(digest -> store.object(
                                name, ObjectKey.clusterScoped(ECR_IMAGE, repository.repositoryName() + "@" + digest))
                        .map(Tracked::object)
                        .ifPresent(last -> copyManifest(last, byDigest.get(digest))));
            }
        }
    }

    private static void copyManifest(JsonNode from, ObjectNode to) {
        for (String field : List.of("imageManifestMediaType", "imageManifest")) {
            if (from.hasNonNull(field)) {
                to.set(field, from.get(field));
            }
        }
    }

    /**
     * DescribeRepositories returns {@code repositoryUri}; when it is missing, it is built from the
     * repository ARN ({@code arn:aws:ecr:<region>:<account>:repository/<name>}).
     */
    private static String uriOf(Repository repository) {
        if (repository.repositoryUri() != null) {
            return repository.repositoryUri();
        }
        Optional<String[]> arn = Optional.ofNullable(repository.repositoryArn()).map(a -> a.split(":", 6));
        return arn.filter(parts -> parts.length == 6)
                .map(parts -> parts[4] + ".dkr.ecr." + parts[3] + ".amazonaws.com/" + repository.repositoryName())
                .orElse(repository.repositoryName());
    }

    private void apply(String kind, Map<ObjectKey, JsonNode> objects, boolean complete) {
        if (complete) {
            store.replaceKind(name, kind, objects);
        } else {
            objects.forEach((key, object) -> store.upsert(name, key, object));
        }
    }

    /** DescribeClusters and DescribeTasks take at most 100 names per call. */
    private static List<List<String>> batches(List<String> names) {
        List<List<String>> batches = new ArrayList<>();
        for (int start = 0; start < names.size(); start += 100) {
            batches.add(names.subList(start, Math.min(names.size(), start + 100)));
        }
        return batches;
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
        ecs.close();
        ecr.close();
    }
}
