package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

/**
 * One Kubernetes API call an action makes, as the dry run shows it: method, path and a summary
 * of the body. Never carries secret values.
 */
public record ApiRequest(String method, String path, String body) {

    public ApiRequest {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(body, "body is null");
    }

    @Override
    public String toString() {
        return method + " " + path + (body.isEmpty() ? "" : "  " + body);
    }
}
