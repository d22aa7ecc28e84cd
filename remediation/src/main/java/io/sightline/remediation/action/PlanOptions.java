package io.sightline.remediation.action;

/**
 * The operator's choices for a plan: {@code force} deletes bare pods too and acts on pods and workloads of the
 * system namespaces (kube-system and the like), {@code allowDns} leaves
 * DNS open through the isolation policy, {@code drain} evicts the pods of cordoned nodes.
 */
public record PlanOptions(boolean force, boolean allowDns, boolean drain) {

    public static final PlanOptions DEFAULTS = new PlanOptions(false, false, false);
}
