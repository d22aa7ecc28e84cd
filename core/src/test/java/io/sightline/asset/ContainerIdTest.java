package io.sightline.asset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerIdTest {

    private static final String HEX = "4f9c1d2e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "containerd://" + HEX + ", containerd",
        "docker://" + HEX + ", docker",
        "cri-o://" + HEX + ", cri-o",
    })
    void keepsTheRuntimeApartFromTheId(String text, String runtime) {
        ContainerId id = ContainerId.parse(text);

        assertThat(id.runtime()).contains(runtime);
        assertThat(id.id()).isEqualTo(HEX);
        assertThat(id.isFull()).isTrue();
    }

    @Test
    void aBareIdHasNoRuntime() {
        ContainerId id = ContainerId.parse(HEX);

        assertThat(id.runtime()).isEmpty();
        assertThat(id.id()).isEqualTo(HEX);
    }

    @Test
    void shortIdIsTheFirstTwelveCharacters() {
        assertThat(ContainerId.parse("containerd://" + HEX).shortId()).isEqualTo("4f9c1d2e8a7b");
        assertThat(ContainerId.parse("4f9c1d2e8a7b").shortId()).isEqualTo("4f9c1d2e8a7b");
    }

    @Test
    void aPrefixAsSensorsReportItIsNotFull() {
        ContainerId falco = ContainerId.parse("4f9c1d2e8a7b");

        assertThat(falco.isFull()).isFalse();
        assertThat(falco.runtime()).isEqualTo(Optional.empty());
    }

    @Test
    void upperCaseIsNormalised() {
        assertThat(ContainerId.parse("  DOCKER://" + HEX.toUpperCase() + " "))
                .isEqualTo(new ContainerId(Optional.of("docker"), HEX));
    }

    @Test
    void rejectsAnIdShorterThanTwelveCharacters() {
        assertThatThrownBy(() -> ContainerId.parse("docker://4f9c1d2e8a7"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 12 characters")
                .hasMessageContaining("'4f9c1d2e8a7'");
    }
}
