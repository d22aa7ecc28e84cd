package io.sightline.engine.rules;

/** What a rule does when its conditions match. */
public enum Effect {
    /** Labels the trail of a process that is already on one with the rule's technique. */
    TAG,
    /** Starts a trail, labelled with the rule's technique, at a process that is on none. */
    SEED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
