package io.sightline.formats.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.asset.Pod;
import io.sightline.asset.PodKey;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageInfo;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerInspectParserTest {

    private static final String WATCHTOWER = "containrrr-watchtower/pkg/container/mocks/data/";
    private static final String DOCKER_JAVA = "docker-java/docker-java/src/test/resources/";
    private static final String LIBCLOUD = "apache-libcloud/libcloud/test/container/fixtures/docker/linux_124/";

    private static final String WEB_PORTAL_REPO_DIGEST =
            "sha256:f4ceb77e45e78f66967e838830400d90a7b7f09128e1c0fcf146d6f6f5ac606f";
    private static final String WEB_PORTAL_CONFIG_DIGEST =
            "sha256:838abd022aca746285f84006825b04ecf7d598215a16308027bad352cfe105bf";

    private final Inventory inventory = new Inventory();
    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void linksTheDockerHostContainersToTheirRepoDigests() throws RecordException {
        parse(Samples.scenario("docker-host-miner", "docker-inspect.json"));
        parse(Samples.scenario("docker-host-miner", "docker-image-inspect.json"));

        ContainerAsset before = inventory.container("bab004ba16ee").orElseThrow();
        assertThat(before.imageDigest()).isEmpty();
        assertThat(before.configDigest()).contains(WEB_PORTAL_CONFIG_DIGEST);

        inventory.linkImages();

        assertThat(skipped).isEmpty();
        ContainerAsset web = inventory.container("bab004ba16ee").orElseThrow();
        assertThat(web.id().id()).isEqualTo("bab004ba16eeea4e6fdb887764069d7345a5932824ee393a2cc12afcf23beef5");
        assertThat(web.id().runtime()).isEmpty();
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.image())
                .isEqualTo(ImageRef.parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/legacy/web-portal:2021.09"));
        assertThat(web.imageDigest()).contains(WEB_PORTAL_REPO_DIGEST);
        assertThat(web.configDigest()).contains(WEB_PORTAL_CONFIG_DIGEST);
        assertThat(web.host()).isEmpty();
        assertThat(web.pod()).isEmpty();
        assertThat(web.privileged()).isFalse();

        assertThat(inventory.container("2fd45829a0fb").orElseThrow().imageDigest())
                .contains("sha256:3128ffefd96fa3c04f13c80ca259a2569821810264a4fc6d443a541c752d4210");
        assertThat(inventory.containers())
                .hasSize(5)
                .allSatisfy(c -> assertThat(c.imageDigest()).isPresent());
        assertThat(inventory.containersOfImage(List.of(WEB_PORTAL_REPO_DIGEST))).containsExactly(web);
    }

    @Test
    void aContainerThatNamesItsNodeRunsOnThatHost() throws RecordException {
        JsonNode containers =
                Samples.scenario("docker-host-miner", "docker-inspect.json").deepCopy();
        // Docker Swarm's standalone API added Node to each inspect object; discovery sets its Name.
        ((com.fasterxml.jackson.databind.node.ObjectNode) containers.get(0))
                .putObject("Node")
                .put("Name", "edge-1")
                .put("IP", "172.31.20.15");

        parse(containers);

        ContainerAsset web = inventory.container("bab004ba16ee").orElseThrow();
        assertThat(web.host()).contains("edge-1");
        assertThat(inventory.host("edge-1").orElseThrow().addresses()).containsExactly("172.31.20.15");
        assertThat(inventory.container("2fd45829a0fb").orElseThrow().host()).isEmpty();
    }

    @Test
    void linksTheSameWayWhenImagesAreReadFirst() throws RecordException {
        parse(Samples.scenario("docker-host-miner", "docker-image-inspect.json"));
        parse(Samples.scenario("docker-host-miner", "docker-inspect.json"));

        inventory.linkImages();
        inventory.linkImages();

        assertThat(inventory.container("bab004ba16ee").orElseThrow().imageDigest())
                .contains(WEB_PORTAL_REPO_DIGEST);
    }

    @Test
    void readsImageInspectIntoImageInfo() throws RecordException {
        parse(Samples.scenario("docker-host-miner", "docker-image-inspect.json"));

        ImageInfo image = inventory.image(WEB_PORTAL_REPO_DIGEST).orElseThrow();
        assertThat(image.configDigest()).contains(WEB_PORTAL_CONFIG_DIGEST);
        assertThat(image.repoDigests()).containsExactly(WEB_PORTAL_REPO_DIGEST);
        assertThat(image.refs())
                .containsExactly(
                        ImageRef.parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/legacy/web-portal:2021.09"),
                        ImageRef.parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/legacy/web-portal@"
                                + WEB_PORTAL_REPO_DIGEST));
        assertThat(inventory.image(WEB_PORTAL_CONFIG_DIGEST)).contains(image);
    }

    @Test
    void fillsAPodContainersConfigDigestFromTheImageOfItsRepoDigest() throws RecordException {
        parse(Samples.scenario("docker-host-miner", "docker-image-inspect.json"));
        KubernetesListParser.parse(
                Samples.inline("""
                        {"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"namespace": "web", "name": "portal-0", "uid": "u-1"},
                         "spec": {"containers": [{"name": "portal",
                           "image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/legacy/web-portal:2021.09"}]},
                         "status": {"podIP": "10.0.0.9", "containerStatuses": [{"name": "portal",
                           "containerID": "containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                           "imageID": "111122223333.dkr.ecr.us-east-1.amazonaws.com/legacy/web-portal@%s"}]}}
                        """.formatted(WEB_PORTAL_REPO_DIGEST)), "pod.json", inventory, skipped);

        inventory.linkImages();

        assertThat(inventory.container("0123456789ab").orElseThrow().configDigest())
                .contains(WEB_PORTAL_CONFIG_DIGEST);
        Pod pod = inventory.pod(new PodKey("web", "portal-0")).orElseThrow();
        assertThat(pod.containers().getFirst().configDigest()).contains(WEB_PORTAL_CONFIG_DIGEST);
        assertThat(inventory.podByIp("10.0.0.9")).contains(pod);
    }

    @Test
    void readsWatchtowerInspectSamplesWithAndWithoutARepoDigest() throws RecordException {
        parse(Samples.corpus(WATCHTOWER + "container_running.json"));
        parse(Samples.corpus(WATCHTOWER + "container_stopped.json"));
        parse(Samples.corpus(WATCHTOWER + "image_default.json"));
        parse(Samples.corpus(WATCHTOWER + "image_running.json"));

        inventory.linkImages();

        ContainerAsset portainer = inventory.container("b978af0b858a").orElseThrow();
        assertThat(portainer.name()).isEqualTo("portainer");
        assertThat(portainer.image().toString()).isEqualTo("docker.io/portainer/portainer:latest");
        assertThat(portainer.configDigest())
                .contains("sha256:19d07168491a3f9e2798a9bed96544e34d57ddc4757a4ac5bb199dea896c87fd");
        assertThat(portainer.imageDigest())
                .contains("sha256:d6cc2c20c0af38d8d557ab994c419c799a10fe825e4aa57fea2e2e507a13747d");
        // Built locally: image_running.json has no RepoDigests, so there is nothing to link.
        ContainerAsset stopped = inventory.container("ae8964ba86c7").orElseThrow();
        assertThat(stopped.name()).isEqualTo("watchtower-stopped");
        assertThat(stopped.configDigest())
                .contains("sha256:4dbc5f9c07028a985e14d1393e849ea07f68804c4293050d5a641b138db72daa");
        assertThat(stopped.imageDigest()).isEmpty();
    }

    @Test
    void readsOldEngineApiVersionsThatPrintBareHexImageIds() throws RecordException {
        parse(Samples.corpus(DOCKER_JAVA + "com/github/dockerjava/api/command/inspectContainerResponse_full.json"));
        parse(Samples.corpus(DOCKER_JAVA + "samples/1.24/containers/inspect/1.json"));
        parse(Samples.corpus(DOCKER_JAVA + "samples/1.38/containers/inspect/lcow.json"));
        parse(Samples.corpus(DOCKER_JAVA + "samples/1.22/images/image1/inspect1.json"));
        parse(Samples.corpus(LIBCLOUD + "container_a68.json"));
        parse(Samples.corpus(LIBCLOUD + "images.json"));

        assertThat(skipped).isEmpty();
        ContainerAsset jenkins = inventory.container("469e5edd8d5b").orElseThrow();
        assertThat(jenkins.name()).isEqualTo("desperate_babbage");
        assertThat(jenkins.image().toString()).isEqualTo("docker.io/jenkinsci/workflow-demo:latest");
        assertThat(jenkins.configDigest())
                .contains("sha256:4300417211ebb75b48b06ed5640d641778f312072d24b37978682345cbb362b1");
        assertThat(inventory.container("fc1243c01bbb").orElseThrow().image().toString())
                .isEqualTo("docker.io/library/busybox:latest");
        assertThat(inventory.container("35da02ca897b").orElseThrow().configDigest())
                .contains("sha256:1381511ec0122f197b6abff5bc0692bef19943ddafd6680eff41197afa3a6dda");

        ImageInfo empty = inventory
                .image("sha256:ee45fe0d1fcdf1a0f9c2d1e36c6f4b3202bbb2032f14d7c9312b27bfcf6aee24")
                .orElseThrow();
        assertThat(empty.repoDigests()).isEmpty();
        assertThat(empty.refs()).containsExactly(ImageRef.parse("hackmann/empty:latest"));

        ContainerAsset mongo = inventory.container("a68c1872c746").orElseThrow();
        assertThat(mongo.configDigest())
                .contains("sha256:cf55d61f5307b7a18a45980971d6cfd40b737dd661879c4a6b3f2aecc3bc37b0");
        assertThat(inventory
                        .image(mongo.configDigest().orElseThrow())
                        .orElseThrow()
                        .refs())
                .containsExactly(ImageRef.parse("mongo:latest"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                WATCHTOWER + "containers.json",
                DOCKER_JAVA + "samples/1.22/containers/json/filter1.json",
                LIBCLOUD + "containers.json"
            })
    void rejectsContainerListsThatLackTheContainersConfiguration(String path) {
        JsonNode root = Samples.corpus(path);

        assertThat(DockerInspectParser.accepts(root)).isFalse();
        assertThatThrownBy(() -> parse(root))
                .isInstanceOf(RecordException.class)
                .hasMessage("expected docker inspect or docker image inspect output (an array of inspect objects),"
                        + " got a container list (docker ps, GET /containers/json): its entries have Names and"
                        + " ImageID but no Config");
    }

    @Test
    void rejectsKubernetesOutputAndAnEmptyArray() {
        JsonNode pods = Samples.scenario("log4shell-lateral", "pods.json");

        assertThat(DockerInspectParser.accepts(pods)).isFalse();
        assertThatThrownBy(() -> parse(pods))
                .hasMessageEndingWith("got an object with fields [apiVersion, items, kind, metadata]");
        assertThatThrownBy(() -> parse(Samples.inline("[]"))).hasMessageEndingWith("got an empty array");
    }

    @Test
    void skipsAContainerWithoutImageReferenceAndKeepsItsNeighbours() throws RecordException {
        String id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde";
        JsonNode document = Samples.inline("""
                [
                  {"Id": "0%1$s", "Name": "/a", "Image": "sha256:0%1$s", "State": {}, "Config": {"Image": "nginx"}},
                  {"Id": "1%1$s", "Name": "/bad", "Image": "sha256:1%1$s", "State": {}, "Config": {}},
                  {"Id": "2%1$s", "Name": "/c", "Image": "sha256:2%1$s", "State": {}, "Config": {"Image": "redis"}},
                  {"Names": ["/d"]}
                ]
                """.formatted(id));

        DockerInspectParser.parse(document, "docker-inspect.json", inventory, skipped);

        assertThat(inventory.containers()).extracting(ContainerAsset::name).containsExactly("a", "c");
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "[1] (container /bad): missing field Config.Image; container skipped",
                        "[3] (container): expected a container (Id, Config, State) or image (Id, RepoTags) inspect"
                                + " object, got an object with fields [Names]; container skipped");
    }

    private void parse(JsonNode root) throws RecordException {
        DockerInspectParser.parse(root, "docker.json", inventory, skipped);
    }
}
