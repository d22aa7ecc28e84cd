package io.sightline.server.api;

import static java.util.Objects.requireNonNull;

/** One documented route: the OpenAPI document is generated from the list the server registers. */
public record Route(String method, String path, Access access, String summary, String responseType) {

    public Route {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(access, "access is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(responseType, "responseType is null");
    }
}
