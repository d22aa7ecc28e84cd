package io.sightline.formats.telemetry;

import io.sightline.asset.ContainerId;
import io.sightline.event.Endpoint;
import io.sightline.formats.RecordException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Values several sensors spell alike: container ids, image digests, endpoints, ATT&CK ids. */
final class SensorValues {

    static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");

    private SensorValues() {}

    /**
     * A container id when the text is one: Falco says {@code host} for host processes, and an id
     * shorter than {@link ContainerId#SHORT_LENGTH} cannot be joined to anything.
     */
    static Optional<ContainerId> containerId(Optional<String> text) {
        return text.filter(value -> !value.equalsIgnoreCase("host")).flatMap(SensorValues::parseContainerId);
    }

    private static Optional<ContainerId> parseContainerId(String text) {
        try {
            return Optional.of(ContainerId.parse(text));
        } catch (IllegalArgumentException tooShort) {
            return Optional.empty();
        }
    }

    /** The {@code sha256:} manifest digest in an image reference such as {@code repo@sha256:…}. */
    static Optional<String> digest(Optional<String> imageReference) {
        return imageReference.flatMap(reference -> {
            int at = reference.indexOf("sha256:");
            return at >= 0 ? Optional.of(reference.substring(at)) : Optional.empty();
        });
    }

    static Endpoint endpoint(String address, long port, String field) throws RecordException {
        if (port < 0 || port > 65_535) {
            throw RecordException.invalid(field, "a port from 0 to 65535", port);
        }
        return new Endpoint(address, (int) port);
    }
}
