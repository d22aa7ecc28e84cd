package io.sightline.remediation.action;

import java.util.Optional;
import java.util.Set;

/**
 * The namespaces where the cluster's own components run (the network plugin, DNS, kube-proxy). Isolating,
 * deleting or scaling what runs there can take the whole cluster down, so those actions are refused unless the
 * operator forces them.
 */
final class SystemNamespaces {

    private static final Set<String> SYSTEM = Set.of("kube-system", "kube-public", "kube-node-lease");

    private SystemNamespaces() {}

    static boolean isSystem(String namespace) {
        return SYSTEM.contains(namespace);
    }

    /** The refusal for an action on {@code target} in {@code namespace}, unless forced or not a system namespace. */
    static Optional<String> refusal(String namespace, String target, String doing, boolean forced) {
        if (forced || !isSystem(namespace)) {
            return Optional.empty();
        }
        return Optional.of("refused: " + target + " runs in " + namespace + ", where the cluster's own components"
                + " run (network plugin, DNS, kube-proxy); " + doing + " it can break networking or scheduling for"
                + " every workload; check the trail, then rerun with --force to act anyway");
    }
}
