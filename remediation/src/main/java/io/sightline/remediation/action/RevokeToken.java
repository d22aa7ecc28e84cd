package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.event.SourceRecord;
import java.util.List;

/**
 * Revokes what the attacker took from a service account: long-lived token Secrets of the account
 * are deleted (the controller does not recreate them); the projected token read from a pod is
 * bound to that pod and dies when the pod is replaced. Role bindings that name the account are
 * listed for a person to review, never changed.
 */
public record RevokeToken(String namespace, String serviceAccount, List<String> apiUse, List<SourceRecord> evidence)
        implements RemediationAction {

    public RevokeToken {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(serviceAccount, "serviceAccount is null");
        apiUse = List.copyOf(apiUse);
        evidence = List.copyOf(evidence);
    }

    @Override
    public String kind() {
        return "revoke-token";
    }

    @Override
    public String target() {
        return "serviceaccount " + namespace + "/" + serviceAccount;
    }

    @Override
    public String why() {
        return "the trail read or used this account's token"
                + (apiUse.isEmpty() ? "" : " against the API: " + String.join("; ", apiUse));
    }

    @Override
    public List<ApiRequest> calls() {
        String ns = "/api/v1/namespaces/" + namespace;
        return List.of(
                new ApiRequest(
                        "GET",
                        ns + "/secrets",
                        "keep Secrets of type kubernetes.io/service-account-token annotated"
                                + " kubernetes.io/service-account.name=" + serviceAccount),
                new ApiRequest(
                        "DELETE", ns + "/secrets/{each token Secret found}", "names only are logged, never the token"),
                new ApiRequest(
                        "GET",
                        "/apis/rbac.authorization.k8s.io/v1/namespaces/" + namespace + "/rolebindings",
                        "flag bindings whose subjects include the account (not changed)"),
                new ApiRequest(
                        "GET",
                        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
                        "flag bindings whose subjects include the account (not changed)"));
    }

    @Override
    public List<String> commands() {
        return List.of("the projected token read from the pod stays valid until it expires unless the pod is"
                + " replaced: keep replace-pod in the plan");
    }
}
