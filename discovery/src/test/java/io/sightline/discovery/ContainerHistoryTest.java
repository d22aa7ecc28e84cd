package io.sightline.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.asset.PodKey;
import io.sightline.discovery.k8s.MockCluster;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Container ids across restarts: k9s's containerd pod {@code default/sleep}, then the same pod as
 * kubelet reports it after its {@code sleep} container restarted (a new {@code containerID}, the old
 * one in {@code lastState.terminated}), and after a second restart, when kubelet no longer names the
 * first id anywhere.
 */
class ContainerHistoryTest {

    private static final String FIRST = "containerd://a1848056a183e40afe3189fc4920bd565930180ebdf2f9e2daf778ea8105f93e";
    // Ids of the restarted container: made up for this test, 64 hex like containerd's.
    private static final String SECOND = "containerd://" + "5e".repeat(32);
    private static final String THIRD = "containerd://" + "7c".repeat(32);
    private static final ObjectKey POD = new ObjectKey("Pod", "default", "sleep");

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private final JsonNode pod =
            MockCluster.read(Samples.corpus("derailed-k9s/internal/render/testdata/po_sidecar.json"));

    @Test
    void anEventFromBeforeTwoRestartsStillFindsThePod() {
        store.upsert("kind", POD, pod);
        store.upsert("kind", POD, restarted(SECOND, FIRST));
        store.upsert("kind", POD, restarted(THIRD, SECOND));

        assertThat(store.containerIds("kind", POD).get("sleep")).containsExactly(FIRST, SECOND, THIRD);
        Inventory inventory = InventorySnapshot.live(store).inventory();

        ContainerAsset current = inventory.container("7c7c7c7c7c7c").orElseThrow();
        assertThat(current.name()).isEqualTo("sleep");
        assertThat(current.pod()).contains(new PodKey("default", "sleep"));
        // Falco's 12-character prefix of the first id, which kubelet stopped reporting.
        assertThat(inventory.container("a1848056a183")).contains(current);
        assertThat(inventory.container(SECOND.substring("containerd://".length())))
                .contains(current);
        // The init and sidecar containers never restarted: one id each.
        assertThat(store.containerIds("kind", POD).get("sidecar")).hasSize(1);
    }

    @Test
    void lastStateAloneGivesTheFormerIdOfAPodFirstSeenAfterItsRestart() {
        store.upsert("kind", POD, restarted(SECOND, FIRST));

        Inventory inventory = InventorySnapshot.live(store).inventory();

        assertThat(inventory.container("a1848056a183").map(ContainerAsset::name))
                .contains("sleep");
    }

    @Test
    void historyIsPerSource() {
        store.upsert("kind", POD, pod);
        store.upsert("kind", POD, restarted(SECOND, FIRST));

        assertThat(store.containerIds("other", POD)).isEmpty();
    }

    /** The pod with its {@code sleep} container's status after a restart. */
    private JsonNode restarted(String id, String previous) {
        ObjectNode copy = pod.deepCopy();
        ObjectNode status =
                (ObjectNode) copy.path("status").path("containerStatuses").get(0);
        status.put("containerID", id);
        status.put("restartCount", status.path("restartCount").asInt() + 1);
        status.putObject("lastState")
                .putObject("terminated")
                .put("containerID", previous)
                .put("exitCode", 137)
                .put("reason", "OOMKilled");
        return copy;
    }
}
