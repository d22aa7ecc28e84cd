package io.sightline.formats.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.engine.EngineConfig;
import io.sightline.engine.StoryboardEngine;
import io.sightline.event.RuntimeEvent;
import io.sightline.formats.InputLoader;
import io.sightline.formats.KevCatalogue;
import io.sightline.rank.ImageCatalogue;
import io.sightline.storyboard.Storyboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine keeps the storyboard of a trail that did not change since the last snapshot. A
 * server snapshots after every batch, so the storyboards after each batch must be the ones an
 * engine fed the same events builds from nothing: checked at every 37th event of each scenario.
 */
class RepeatedSnapshotsTest {

    private static final Path SCENARIOS = Path.of(System.getProperty("sightline.scenarios"));
    private static final int STRIDE = 37;

    @ParameterizedTest
    @ValueSource(strings = {"log4shell-lateral", "docker-host-miner", "benign-ci-noise", "otrf-log4shell"})
    void storyboardsAfterEachBatchEqualThoseBuiltAfresh(String scenario) {
        Path folder = SCENARIOS.resolve(scenario);
        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(Stream.of("inventory", "scans", "telemetry")
                .map(folder::resolve)
                .filter(Files::isDirectory)
                .toList());
        ImageCatalogue catalogue = ImageCatalogue.build(loader.inventory(), loader.reports(), KevCatalogue.bundled());
        List<RuntimeEvent> events = new ArrayList<>();
        loader.streamTelemetry(events::add);

        StoryboardEngine batched = new StoryboardEngine(loader.inventory(), catalogue, EngineConfig.DEFAULTS);
        int checked = 0;
        int withStoryboards = 0;
        for (int i = 0; i < events.size(); i++) {
            batched.accept(events.get(i));
            if ((i + 1) % STRIDE != 0 && i + 1 != events.size()) {
                continue;
            }
            StoryboardEngine fresh = new StoryboardEngine(loader.inventory(), catalogue, EngineConfig.DEFAULTS);
            events.subList(0, i + 1).forEach(fresh::accept);

            List<Storyboard> expected = fresh.storyboards();
            assertThat(batched.storyboards())
                    .as("after event %d of %d", i + 1, events.size())
                    .isEqualTo(expected);
            checked++;
            withStoryboards += expected.isEmpty() ? 0 : 1;
        }

        assertThat(checked).isEqualTo((events.size() + STRIDE - 1) / STRIDE);
        assertThat(withStoryboards)
                .as("checkpoints that had storyboards to compare")
                .isGreaterThan(checked / 2);
    }
}
