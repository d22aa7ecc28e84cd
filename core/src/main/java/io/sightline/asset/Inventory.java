package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import io.sightline.image.ImageInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The asset inventory with the indexes the engine joins on: container id (full and 12-character
 * prefix; ECS's {@code <task>-<n>} ids whole, see {@link ContainerId#indexKey()}), pod IP, host
 * name, address and EC2 instance id, Service virtual IP and image digests.
 *
 * <p>Not thread-safe: one owner fills it, then the engine reads it. Every lookup is a hash probe.
 */
public final class Inventory {

    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, Host> hostsByAddress = new HashMap<>();
    private final Map<String, Host> hostsByInstanceId = new HashMap<>();
    private final Map<String, String> instanceIdsByAlias = new HashMap<>();
    private final Map<PodKey, Pod> pods = new LinkedHashMap<>();
    private final Map<String, Pod> podsByIp = new HashMap<>();
    private final Map<String, ContainerAsset> containersByShortId = new LinkedHashMap<>();
    private final Map<String, FormerId> formerIdsByShortId = new HashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Service> servicesByIp = new HashMap<>();
    private final List<ServiceEndpoint> endpoints = new ArrayList<>();
    private final Map<String, ImageInfo> imagesByDigest = new HashMap<>();

    public void add(Cluster cluster) {
        clusters.put(cluster.name(), requireNonNull(cluster, "cluster is null"));
    }

    /** Adds a host, or merges addresses and ids into the host of the same name. */
    public void add(Host host) {
        requireNonNull(host, "host is null");
        Host merged = hosts.merge(host.name(), host, Inventory::mergeHosts);
        merged.addresses().forEach(address -> hostsByAddress.put(address, merged));
        merged.instanceId().ifPresent(id -> hostsByInstanceId.put(id, merged));
    }

    /**
     * Records another name of an EC2 instance, such as the ARN of the ECS container instance it
     * registered as. A container whose host is given by that name is filed under the instance's
     * host by {@link #linkImages()}.
     */
    public void addInstanceAlias(String alias, String instanceId) {
        requireNonNull(alias, "alias is null");
        requireNonNull(instanceId, "instanceId is null");
        instanceIdsByAlias.put(alias, instanceId);
    }

    public void add(Pod pod) {
        requireNonNull(pod, "pod is null");
        pods.put(pod.key(), pod);
        if (!pod.hostNetwork()) {
            pod.ips().forEach(ip -> podsByIp.put(ip, pod));
        }
        pod.containers().forEach(this::add);
    }

    public void add(ContainerAsset container) {
        requireNonNull(container, "container is null");
        containersByShortId.put(container.id().indexKey(), container);
    }

    /**
     * Records that {@code current} ran before under {@code formerId}: the same pod's container of the
     * same name before a restart. {@link #container(String)} then finds {@code current} by the former
     * id too, so an event from before the restart still reaches its pod. An id that is a current
     * container's own id keeps resolving to that container.
     */
    public void addFormerId(ContainerId formerId, ContainerAsset current) {
        requireNonNull(formerId, "formerId is null");
        requireNonNull(current, "current is null");
        if (!formerId.indexKey().equals(current.id().indexKey())) {
            formerIdsByShortId.put(
                    formerId.indexKey(), new FormerId(formerId, current.id().indexKey()));
        }
    }

    /** Former container ids recorded by {@link #addFormerId}, each with its current container. */
    public Map<ContainerId, ContainerAsset> formerIds() {
        Map<ContainerId, ContainerAsset> former = new LinkedHashMap<>();
        formerIdsByShortId
                .values()
                .forEach(f -> Optional.ofNullable(containersByShortId.get(f.currentShortId()))
                        .ifPresent(current -> former.put(f.id(), current)));
        return former;
    }

    public void add(Service service) {
        requireNonNull(service, "service is null");
        services.put(service.namespace() + "/" + service.name(), service);
        service.clusterIps().forEach(ip -> servicesByIp.put(ip, service));
    }

    public void add(ServiceEndpoint endpoint) {
        endpoints.add(requireNonNull(endpoint, "endpoint is null"));
    }

    public void add(ImageInfo image) {
        requireNonNull(image, "image is null");
        image.configDigest().ifPresent(digest -> imagesByDigest.put(digest, image));
        image.repoDigests().forEach(digest -> imagesByDigest.put(digest, image));
    }

    public Collection<Cluster> clusters() {
        return clusters.values();
    }

    public Collection<Host> hosts() {
        return hosts.values();
    }

    public Collection<Pod> pods() {
        return pods.values();
    }

    public Collection<ContainerAsset> containers() {
        return containersByShortId.values();
    }

    public Collection<Service> services() {
        return services.values();
    }

    public List<ServiceEndpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    public Optional<Host> hostByAddress(String address) {
        return Optional.ofNullable(hostsByAddress.get(address));
    }

    public Optional<Host> hostByInstanceId(String instanceId) {
        return Optional.ofNullable(hostsByInstanceId.get(instanceId));
    }

    public Optional<Pod> pod(PodKey key) {
        return Optional.ofNullable(pods.get(key));
    }

    public Optional<Pod> podByIp(String ip) {
        return Optional.ofNullable(podsByIp.get(ip));
    }

    /**
     * Finds a container by its full id or any prefix of at least 12 characters, or by an id it ran
     * under before a restart ({@link #addFormerId}). An ECS {@code <task>-<n>} id is found by the
     * whole id only.
     */
    public Optional<ContainerAsset> container(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.length() < ContainerId.SHORT_LENGTH) {
            return Optional.empty();
        }
        ContainerId wanted = ContainerId.parse(idOrPrefix);
        // TODO: a sensor that cuts a Fargate id to 12 characters names only the task; finding the
        // task's containers by that prefix needs an index by task, which nothing reads yet.
        ContainerAsset found = containersByShortId.get(wanted.indexKey());
        if (found != null) {
            return found.id().id().startsWith(wanted.id()) ? Optional.of(found) : Optional.empty();
        }
        FormerId former = formerIdsByShortId.get(wanted.indexKey());
        if (former == null || !former.id().id().startsWith(wanted.id())) {
            return Optional.empty();
        }
        return Optional.ofNullable(containersByShortId.get(former.currentShortId()));
    }

    public Optional<Service> serviceByIp(String ip) {
        return Optional.ofNullable(servicesByIp.get(ip));
    }

    /** Backends of a Service for a given service port, resolved through its EndpointSlices. */
    public List<ServiceEndpoint> endpointsOf(Service service, int servicePort) {
        Optional<Service.ServicePort> port =
                service.ports().stream().filter(p -> p.port() == servicePort).findFirst();
        return endpoints.stream()
                .filter(e ->
                        e.namespace().equals(service.namespace()) && e.service().equals(service.name()))
                .filter(e -> port.isEmpty()
                        || e.portName().equals(port.get().name())
                        || String.valueOf(e.port()).equals(port.get().targetPort()))
                .toList();
    }

    /** Image metadata by repo digest or config digest. */
    public Optional<ImageInfo> image(String digest) {
        return Optional.ofNullable(imagesByDigest.get(digest));
    }

    /** Every running container whose repo or config digest is one of the given digests. */
    public List<ContainerAsset> containersOfImage(Collection<String> digests) {
        return containersByShortId.values().stream()
                .filter(c -> c.imageDigest().filter(digests::contains).isPresent()
                        || c.configDigest().filter(digests::contains).isPresent())
                .toList();
    }

    /** True when the address belongs to anything this inventory knows: a pod, host or Service. */
    public boolean isKnownAddress(String address) {
        return podsByIp.containsKey(address)
                || hostsByAddress.containsKey(address)
                || servicesByIp.containsKey(address);
    }

    /**
     * Completes each container's image digests from the images added: a missing repo digest from
     * the image whose config digest matches (Docker's {@code Image} is the config digest; the repo
     * digest is in {@code docker image inspect}'s {@code RepoDigests}), a missing config digest from
     * the image of its repo digest. It also files a container whose host is given by an EC2
     * instance id or an alias of one ({@link #addInstanceAlias}) under that instance's host name.
     * Call once after every inventory file is read; the order in which containers, hosts and images
     * were added does not matter, and calling it again changes nothing.
     */
    public void linkImages() {
        containersByShortId.replaceAll((shortId, container) -> withLinkedImage(container));
        pods.replaceAll((key, pod) -> new Pod(
                pod.key(),
                pod.uid(),
                pod.node(),
                pod.ips(),
                pod.serviceAccount(),
                pod.workload(),
                pod.hostNetwork(),
                pod.containers().stream().map(this::withLinkedImage).toList()));
        podsByIp.replaceAll((ip, pod) -> pods.get(pod.key()));
    }

    private ContainerAsset withLinkedImage(ContainerAsset container) {
        // An image pulled from two repositories has two repo digests; the first is as good a name.
        Optional<String> imageDigest = container
                .imageDigest()
                .or(() -> container
                        .configDigest()
                        .flatMap(this::imageByConfig)
                        .flatMap(image -> image.repoDigests().stream().findFirst()));
        Optional<String> configDigest = container
                .configDigest()
                .or(() ->
                        container.imageDigest().flatMap(this::imageByRepoDigest).flatMap(ImageInfo::configDigest));
        Optional<String> host = container.host().map(this::hostName);
        if (imageDigest.equals(container.imageDigest())
                && configDigest.equals(container.configDigest())
                && host.equals(container.host())) {
            return container;
        }
        return new ContainerAsset(
                container.id(),
                container.name(),
                host,
                container.pod(),
                container.image(),
                imageDigest,
                configDigest,
                container.initContainer(),
                container.privileged());
    }

    /** A known host's name, or the instance id an alias stands for, or the name as given. */
    private String hostName(String given) {
        if (hosts.containsKey(given)) {
            return given;
        }
        String instanceId = instanceIdsByAlias.getOrDefault(given, given);
        return hostByInstanceId(instanceId).map(Host::name).orElse(instanceId);
    }

    private Optional<ImageInfo> imageByConfig(String configDigest) {
        return image(configDigest).filter(image -> image.configDigest().equals(Optional.of(configDigest)));
    }

    private Optional<ImageInfo> imageByRepoDigest(String repoDigest) {
        return image(repoDigest).filter(image -> image.repoDigests().contains(repoDigest));
    }

    private static Host mergeHosts(Host known, Host added) {
        List<String> addresses = new ArrayList<>(known.addresses());
        added.addresses().stream().filter(a -> !addresses.contains(a)).forEach(addresses::add);
        return new Host(
                known.name(),
                known.instanceId().or(added::instanceId),
                known.providerId().or(added::providerId),
                known.cluster().or(added::cluster),
                addresses,
                known.source().or(added::source));
    }

    /** A container id from before a restart and the short id of the container that replaced it. */
    private record FormerId(ContainerId id, String currentShortId) {}
}
