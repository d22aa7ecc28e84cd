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

    /** {@code 10.0.1.5:8080}, and an IPv6 address in brackets, {@code [fd00::a7]:36334}, as in a URL. */
    @Override
    public String toString() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
