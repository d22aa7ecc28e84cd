package io.sightline.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.storyboard.Storyboard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shipped log4shell-lateral scenario, analysed once, with its truth.json. */
public final class Log4ShellScenario {

    public static final Path FOLDER = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");

    private static AnalysisResult analysis;
    private static JsonNode truth;

    private Log4ShellScenario() {}

    public static synchronized AnalysisResult analysis() {
        if (analysis == null) {
            analysis = AnalysisPipeline.run(
                    FOLDER, AnalysisPipeline.layout(FOLDER), KevCatalogue.bundled(), EngineConfig.DEFAULTS);
        }
        return analysis;
    }

    public static synchronized JsonNode truth() {
        if (truth == null) {
            try {
                truth = new ObjectMapper().readTree(FOLDER.resolve("truth.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return truth;
    }

    /** Digests of the attacked images, from truth.json's remediation section. */
    public static List<String> attackedDigests() {
        List<String> digests = new ArrayList<>();
        truth().path("remediation")
                .forEach(r -> digests.add(r.path("image_digest").asText()));
        return digests;
    }

    /** The storyboard that holds the attack: the one whose images are the attacked ones. */
    public static Storyboard attack() {
        return analysis().storyboards().stream()
                .filter(s -> s.imageDigests().containsAll(attackedDigests()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no storyboard spans both attacked images"));
    }
}
