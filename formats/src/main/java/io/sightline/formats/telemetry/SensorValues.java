package io.sightline.formats.telemetry;

import io.sightline.asset.ContainerId;
import io.sightline.event.Endpoint;
import io.sightline.formats.RecordException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Values several sensors spell alike: container ids, image digests, endpoints, ATT&CK ids. */
final class SensorValues {

    static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");

    /**
     * The end of a connection a record does not name: a connect gives the address dialled but not
     * the local end the kernel picks, Tracee's {@code security_socket_accept} the listening address
     * but not the client. The unspecified address and port 0 are no real end of a connection, so
     * an unknown end never equals a known one.
     */
    static final Endpoint UNKNOWN_END = new Endpoint("0.0.0.0", 0);

    /**
     * The host of a record that names none (a raw auditd log without {@code node=}, a Tracee
     * v1beta1 event). TODO: a telemetry file cannot say which host it came from yet; until it can,
     * such logs from two hosts key their processes on one host and may join unrelated pids.
     */
    static final String UNNAMED_HOST = "localhost";

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
