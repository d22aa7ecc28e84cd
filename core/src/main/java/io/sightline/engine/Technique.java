package io.sightline.engine;

import static java.util.Objects.requireNonNull;

/** An ATT&CK technique a behaviour maps to, with the tactic it serves in this trail. */
public record Technique(String id, String name, Tactic tactic) {

    public Technique {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(tactic, "tactic is null");
    }
}
