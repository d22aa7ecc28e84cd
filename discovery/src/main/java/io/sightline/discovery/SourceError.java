package io.sightline.discovery;

import static java.util.Objects.requireNonNull;

/**
 * Why part of a source could not be read: {@code what} names the part (a kind, an API operation, a
 * region) and {@code message} the cause as the API or the connection gave it. Objects of that part
 * were kept as the last complete sync left them.
 */
public record SourceError(String source, String what, String message) {

    public SourceError {
        requireNonNull(source, "source is null");
        requireNonNull(what, "what is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return source + ": " + what + ": " + message;
    }
}
