package io.sightline.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a token may do. Sensors get {@link #INGEST}, which can only send data; people get {@link
 * #VIEWER} (read), {@link #OPERATOR} (read, upload, execute remediation) or {@link #ADMIN}
 * (everything, including tokens).
 */
public enum Role {
    INGEST,
    VIEWER,
    OPERATOR,
    ADMIN;

    /** The lower-case name used on the command line and in the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted roles */
    public static Role parse(String label) {
        return Arrays.stream(values())
                .filter(role -> role.label().equals(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role '" + label + "': expected one of "
                        + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", "))));
    }
}
