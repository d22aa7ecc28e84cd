package io.sightline.remediation.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.Inventory;
import io.sightline.asset.Pod;
import io.sightline.asset.PodKey;
import io.sightline.asset.WorkloadRef;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which isolation and scaling the planner proposes per owner kind: a StatefulSet's pod gets its
 * workload isolated and scaled, a DaemonSet's pod is isolated alone and its scale refused with the
 * reason, a bare pod is isolated alone and never scaled.
 */
class ActionPlannerWorkloadTest {

    private static final String NODE = "ip-10-0-1-57.ec2.internal";

    @Test
    void isolationAndScalingFollowTheOwnerKind() {
        Inventory inventory = new Inventory();
        inventory.add(pod("payments", "postgres-0", Optional.of(new WorkloadRef("StatefulSet", "postgres"))));
        inventory.add(pod("falco", "falco-84s9g", Optional.of(new WorkloadRef("DaemonSet", "falco"))));
        inventory.add(pod("tools", "debug", Optional.empty()));
        Storyboard storyboard = new Storyboard(
                "sb-1",
                Severity.HIGH,
                List.of(),
                Instant.parse("2024-11-14T09:00:00Z"),
                Instant.parse("2024-11-14T09:05:00Z"),
                List.of(NODE),
                List.of(
                        container("payments", "postgres-0"),
                        container("falco", "falco-84s9g"),
                        container("tools", "debug")),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());

        RemediationPlan plan = new ActionPlanner(inventory).plan(storyboard, List.of(), PlanOptions.DEFAULTS);

        assertThat(plan.actions())
                .extracting(a -> a.id() + a.refusal().map(r -> " (refused)").orElse(""))
                .containsExactly(
                        "isolate-workload payments/StatefulSet/postgres",
                        "isolate-pod falco/falco-84s9g",
                        "isolate-pod tools/debug",
                        "replace-pod payments/postgres-0",
                        "replace-pod falco/falco-84s9g",
                        "replace-pod tools/debug (refused)",
                        "scale-to-zero payments/StatefulSet/postgres",
                        "scale-to-zero falco/DaemonSet/falco (refused)");
        assertThat(plan.actions().getLast().refusal().orElseThrow())
                .isEqualTo("refused: falco/DaemonSet/falco is a DaemonSet: it runs one pod per node and has no replica"
                        + " count to set to zero; isolate its pods, or cordon the nodes it must not run on");
    }

    @Test
    void actionsOnSystemNamespacesAreRefusedUnlessForced() {
        Inventory inventory = new Inventory();
        inventory.add(pod("kube-system", "aws-node-j57mv", Optional.of(new WorkloadRef("DaemonSet", "aws-node"))));
        inventory.add(
                pod("kube-system", "coredns-5d8f-x2", Optional.of(new WorkloadRef("ReplicaSet", "coredns-5d8f"))));
        Storyboard storyboard = new Storyboard(
                "sb-2",
                Severity.LOW,
                List.of(),
                Instant.parse("2024-11-14T09:00:00Z"),
                Instant.parse("2024-11-14T09:05:00Z"),
                List.of(NODE),
                List.of(container("kube-system", "aws-node-j57mv"), container("kube-system", "coredns-5d8f-x2")),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        ActionPlanner planner = new ActionPlanner(inventory);

        RemediationPlan plan = planner.plan(storyboard, List.of(), PlanOptions.DEFAULTS);
        RemediationPlan forced = planner.plan(storyboard, List.of(), new PlanOptions(true, false, false));

        assertThat(plan.actions())
                .extracting(a -> a.id() + a.refusal().map(r -> " (refused)").orElse(""))
                .containsExactly(
                        "isolate-workload kube-system/ReplicaSet/coredns-5d8f (refused)",
                        "isolate-pod kube-system/aws-node-j57mv (refused)",
                        "replace-pod kube-system/aws-node-j57mv (refused)",
                        "replace-pod kube-system/coredns-5d8f-x2 (refused)",
                        "scale-to-zero kube-system/DaemonSet/aws-node (refused)",
                        "scale-to-zero kube-system/ReplicaSet/coredns-5d8f (refused)");
        assertThat(plan.actions().get(4).refusal().orElseThrow())
                .as("a DaemonSet is refused as one, whatever its namespace: --force would not help")
                .startsWith("refused: kube-system/DaemonSet/aws-node is a DaemonSet");
        assertThat(plan.actions().get(1).refusal().orElseThrow())
                .isEqualTo("refused: kube-system/aws-node-j57mv runs in kube-system, where the cluster's own"
                        + " components run (network plugin, DNS, kube-proxy); cutting the network of it can break"
                        + " networking or scheduling for every workload; check the trail, then rerun with --force to"
                        + " act anyway");
        assertThat(forced.actions())
                .extracting(a -> a.id() + a.refusal().map(r -> " (refused)").orElse(""))
                .containsExactly(
                        "isolate-workload kube-system/ReplicaSet/coredns-5d8f",
                        "isolate-pod kube-system/aws-node-j57mv",
                        "replace-pod kube-system/aws-node-j57mv",
                        "replace-pod kube-system/coredns-5d8f-x2",
                        "scale-to-zero kube-system/DaemonSet/aws-node (refused)",
                        "scale-to-zero kube-system/ReplicaSet/coredns-5d8f");
    }

    private static Pod pod(String namespace, String name, Optional<WorkloadRef> workload) {
        return new Pod(
                new PodKey(namespace, name),
                "uid-" + name,
                Optional.of(NODE),
                List.of(),
                "default",
                workload,
                false,
                List.of());
    }

    private static Storyboard.ContainerEntity container(String namespace, String pod) {
        return new Storyboard.ContainerEntity("c-" + pod, pod, NODE, namespace, pod, "img", "");
    }
}
