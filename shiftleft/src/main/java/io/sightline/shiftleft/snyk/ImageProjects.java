package io.sightline.shiftleft.snyk;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sorts a Snyk organisation's projects into those that scanned a container image, each with the
 * image it scanned. Snyk files one image under one target: the operating-system project ({@code
 * apk}, {@code deb}, {@code rpm}, {@code linux}), named by the image reference, and one application
 * project per manifest or binary found inside the image ({@code npm}, {@code maven}, {@code pip},
 * {@code gomodules}, ...), named {@code <image>:<path inside the image>}. An application project
 * is an image's when its target ({@code relationships.target.data.id}) holds an operating-system
 * project: the one whose name its own name extends, else the one with its {@code
 * target_reference}, else the target's only one. Application projects in targets without an
 * operating-system project (a source repository) are not images' and are left out. Stateless.
 */
final class ImageProjects {

    static final Set<String> OS_TYPES = Set.of("apk", "deb", "rpm", "linux");

    private static final String CLI_PREFIX = "docker-image|";

    /** A project to pull, with the image reference its issues belong to. */
    record ImageProject(String id, String type, String name, String image) {
        ImageProject {
            requireNonNull(id, "id is null");
            requireNonNull(type, "type is null");
            requireNonNull(name, "name is null");
            requireNonNull(image, "image is null");
        }

        boolean application() {
            return !OS_TYPES.contains(type);
        }
    }

    /** The projects to pull, in listing order, and the application projects in an image target that match no image. */
    record Sorted(List<ImageProject> projects, int images, List<String> problems) {
        Sorted {
            projects = List.copyOf(projects);
            problems = List.copyOf(problems);
        }
    }

    private ImageProjects() {}

    static Sorted sort(List<JsonNode> listed) {
        Map<String, List<JsonNode>> osByTarget = new LinkedHashMap<>();
        for (JsonNode project : listed) {
            if (OS_TYPES.contains(type(project))) {
                osByTarget
                        .computeIfAbsent(target(project), t -> new ArrayList<>())
                        .add(project);
            }
        }
        List<ImageProject> projects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int images = 0;
        for (JsonNode project : listed) {
            if (OS_TYPES.contains(type(project))) {
                images++;
                projects.add(new ImageProject(id(project), type(project), name(project), reference(name(project))));
                continue;
            }
            List<JsonNode> candidates = osByTarget.getOrDefault(target(project), List.of());
            if (target(project).isEmpty() || candidates.isEmpty()) {
                continue;
            }
            Optional<JsonNode> image = imageOf(project, candidates);
            if (image.isPresent()) {
                projects.add(new ImageProject(id(project), type(project), name(project), reference(name(image.get()))));
            } else {
                problems.add("project " + id(project) + " (" + name(project) + ", " + type(project) + "): its target "
                        + target(project) + " holds " + candidates.size() + " images and its name extends none of"
                        + " them; its issues were not pulled");
            }
        }
        return new Sorted(projects, images, problems);
    }

    private static Optional<JsonNode> imageOf(JsonNode application, List<JsonNode> candidates) {
        String name = name(application);
        Optional<JsonNode> byName = candidates.stream()
                .filter(os -> name.startsWith(name(os) + ":") || name.startsWith(name(os) + "/"))
                .max(Comparator.comparingInt(os -> name(os).length()));
        if (byName.isPresent()) {
            return byName;
        }
        String reference =
                application.path("attributes").path("target_reference").asText("");
        List<JsonNode> byReference = candidates.stream()
                .filter(os -> !reference.isEmpty()
                        && os.path("attributes")
                                .path("target_reference")
                                .asText("")
                                .equals(reference))
                .toList();
        if (byReference.size() == 1) {
            return Optional.of(byReference.getFirst());
        }
        return candidates.size() == 1 ? Optional.of(candidates.getFirst()) : Optional.empty();
    }

    // TODO: a CLI-monitored project's name has no tag (docker-image|acme/api), so its reports join
    // the image tagged latest; the tag Snyk tested is not in the project's REST attributes we read.
    /** The image an operating-system project names; {@code snyk container monitor} prefixes it {@code docker-image|}. */
    static String reference(String osProjectName) {
        return osProjectName.startsWith(CLI_PREFIX) ? osProjectName.substring(CLI_PREFIX.length()) : osProjectName;
    }

    private static String id(JsonNode project) {
        return project.path("id").asText();
    }

    private static String type(JsonNode project) {
        return project.path("attributes").path("type").asText("");
    }

    private static String name(JsonNode project) {
        return project.path("attributes").path("name").asText(id(project));
    }

    private static String target(JsonNode project) {
        return project.path("relationships")
                .path("target")
                .path("data")
                .path("id")
                .asText("");
    }
}
