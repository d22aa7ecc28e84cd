package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void defaults() {
        EngineConfig defaults = EngineConfig.DEFAULTS;
        assertThat(defaults.clockSkew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.apiCallWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.lateness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.commonPattern()).isEqualTo(5);
        assertThat(defaults.retention()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.closeAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(defaults.closedKeptFor()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aStoryboardMayNotCloseSoonerThanTheRetentionNorBeForgottenBeforeItCouldClose() {
        assertThatThrownBy(() -> EngineConfig.DEFAULTS.withLifecycle(Duration.ofMinutes(4), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("closeAfter PT4M")
                .hasMessageContaining("retention PT5M");
        assertThatThrownBy(() -> EngineConfig.DEFAULTS.withLifecycle(Duration.ofHours(2), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("closedKeptFor PT1H");
    }
}
