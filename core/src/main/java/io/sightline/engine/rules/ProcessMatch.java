package io.sightline.engine.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Which processes a rule looks at. A name is an executable's base name, a prefix ending in
 * {@code *} ({@code containerd-shim*}), or {@code @list}, the names of a list of the rule set.
 *
 * @param names the process is one of these; empty means any process
 * @param notNames the process is none of these
 * @param inContainer present: the process runs in a container (true) or on the host (false)
 */
public record ProcessMatch(List<String> names, List<String> notNames, Optional<Boolean> inContainer) {

    public static final ProcessMatch ANY = new ProcessMatch(List.of(), List.of(), Optional.empty());

    public ProcessMatch {
        names = List.copyOf(requireNonNull(names, "names is null"));
        notNames = List.copyOf(requireNonNull(notNames, "notNames is null"));
        requireNonNull(inContainer, "inContainer is null");
    }

    public static ProcessMatch named(String... names) {
        return new ProcessMatch(List.of(names), List.of(), Optional.empty());
    }

    public ProcessMatch withNotNames(String... notNames) {
        return new ProcessMatch(names, List.of(notNames), inContainer);
    }

    public ProcessMatch onlyInContainers() {
        return new ProcessMatch(names, notNames, Optional.of(true));
    }
}
