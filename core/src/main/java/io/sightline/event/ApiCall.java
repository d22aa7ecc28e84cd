package io.sightline.event;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.PodKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A Kubernetes API request from the audit log. {@code fromPod} is the pod a service-account token
 * was bound to ({@code user.extra["authentication.kubernetes.io/pod-name"]}); it names where the
 * token came from, not necessarily where the request came from.
 */
public record ApiCall(
        SourceRecord source,
        Instant time,
        String auditId,
        String stage,
        String user,
        List<String> sourceIps,
        String userAgent,
        String verb,
        String requestUri,
        Optional<String> resource,
        Optional<String> subresource,
        Optional<String> namespace,
        Optional<String> name,
        int status,
        Optional<PodKey> fromPod)
        implements RuntimeEvent {

    public ApiCall {
        requireNonNull(source, "source is null");
        requireNonNull(time, "time is null");
        requireNonNull(auditId, "auditId is null");
        requireNonNull(stage, "stage is null");
        requireNonNull(user, "user is null");
        sourceIps = List.copyOf(sourceIps);
        requireNonNull(userAgent, "userAgent is null");
        requireNonNull(verb, "verb is null");
        requireNonNull(requestUri, "requestUri is null");
        requireNonNull(resource, "resource is null");
        requireNonNull(subresource, "subresource is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
        requireNonNull(fromPod, "fromPod is null");
    }

    @Override
    public ApiCall withSource(SourceRecord other) {
        return new ApiCall(
                other,
                time,
                auditId,
                stage,
                user,
                sourceIps,
                userAgent,
                verb,
                requestUri,
                resource,
                subresource,
                namespace,
                name,
                status,
                fromPod);
    }
}
