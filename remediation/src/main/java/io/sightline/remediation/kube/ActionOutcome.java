package io.sightline.remediation.kube;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What executing one action did. {@code UNCHANGED} means the cluster was already as the action
 * wants it (the second run of a plan gives only these); {@code MANUAL} means the action has no API
 * call and its commands are for a person.
 */
public record ActionOutcome(String kind, String target, Status status, String message, List<ApiResponse> responses) {

    public enum Status {
        CHANGED,
        UNCHANGED,
        REFUSED,
        MANUAL,
        FAILED
    }

    public ActionOutcome {
        requireNonNull(kind, "kind is null");
        requireNonNull(target, "target is null");
        requireNonNull(status, "status is null");
        requireNonNull(message, "message is null");
        responses = List.copyOf(responses);
    }

    /**
     * One API call made and what came back: the HTTP status (404 when fabric8 returned no object)
     * and a summary that names objects but never carries their data.
     */
    public record ApiResponse(String method, String path, int code, String summary) {}
}
