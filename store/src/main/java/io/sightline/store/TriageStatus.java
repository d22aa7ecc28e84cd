package io.sightline.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a storyboard stands with the people triaging it. A storyboard nobody triaged is {@link #OPEN}. */
public enum TriageStatus {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED;

    /** The lower-case name used in the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted statuses */
    public static TriageStatus parse(String label) {
        return Arrays.stream(values())
                .filter(status -> status.label().equals(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown status '" + label + "': expected one of "
                        + Arrays.stream(values()).map(TriageStatus::label).collect(Collectors.joining(", "))));
    }
}
