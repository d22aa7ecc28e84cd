package io.sightline.event;

import static java.util.Objects.requireNonNull;

/** One end of a connection. */
public record Endpoint(String address, int port) {

    public Endpoint {
        requireNonNull(address, "address is null");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return address + ":" + port;
    }
}
