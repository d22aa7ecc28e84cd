package io.sightline.asset;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.image.ImageRef;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InventoryFormerIdTest {

    private static final String BEFORE =
            "containerd://0d2d2d1f7b2c4a5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";
    private static final String NOW = "containerd://9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b";

    private final ContainerAsset current = new ContainerAsset(
            ContainerId.parse(NOW),
            "api",
            Optional.of("node-1"),
            Optional.of(new PodKey("shop", "api-7d9f")),
            ImageRef.parse("registry.example/api:1.2"),
            Optional.empty(),
            Optional.empty(),
            false,
            false);

    @Test
    void aFormerIdFindsTheContainerThatReplacedIt() {
        Inventory inventory = new Inventory();
        inventory.add(current);
        inventory.addFormerId(ContainerId.parse(BEFORE), current);

        assertThat(inventory.container("0d2d2d1f7b2c")).contains(current);
        assertThat(inventory.container(ContainerId.parse(BEFORE).id())).contains(current);
        assertThat(inventory.container("9c8b7a6f5e4d")).contains(current);
        assertThat(inventory.formerIds()).containsEntry(ContainerId.parse(BEFORE), current);
    }

    @Test
    void aFormerIdWithADifferentTailIsNotAMatch() {
        Inventory inventory = new Inventory();
        inventory.add(current);
        inventory.addFormerId(ContainerId.parse(BEFORE), current);

        assertThat(inventory.container("0d2d2d1f7b2cffff")).isEmpty();
    }

    @Test
    void aLiveContainerWinsOverAFormerIdWithTheSamePrefix() {
        Inventory inventory = new Inventory();
        inventory.add(current);
        inventory.addFormerId(ContainerId.parse(NOW), current);

        assertThat(inventory.formerIds()).isEmpty();
    }
}
