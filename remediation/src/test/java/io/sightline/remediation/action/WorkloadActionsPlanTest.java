package io.sightline.remediation.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.PodKey;
import io.sightline.asset.WorkloadRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dry run of the workload actions: their exact calls, and the kinds they refuse. */
class WorkloadActionsPlanTest {

    private static final PodKey POSTGRES = new PodKey("payments", "postgres-0");

    @Test
    void scalingAStatefulSetPatchesItsReplicasAndRecordsTheCount() {
        ScaleWorkload scale = scale("StatefulSet", "postgres");

        assertThat(scale.refusal()).isEmpty();
        assertThat(scale.id()).isEqualTo("scale-to-zero payments/StatefulSet/postgres");
        assertThat(scale.calls())
                .extracting(c -> c.method() + " " + c.path())
                .containsExactly(
                        "GET /apis/apps/v1/namespaces/payments/statefulsets/postgres",
                        "PATCH /apis/apps/v1/namespaces/payments/statefulsets/postgres");
        assertThat(scale.calls().get(1).body())
                .contains("spec.replicas=0", "sightline.io/replicas-before", "skipped when spec.replicas is already 0");
        assertThat(scale.liftCommands())
                .containsExactly(
                        "kubectl -n payments scale statefulset/postgres --replicas=\"$(kubectl -n payments get"
                                + " statefulset/postgres -o jsonpath='{.metadata.annotations.sightline\\.io/replicas-before}')\"");
    }

    @Test
    void aDaemonSetIsNotScaledAndThePlanSaysWhy() {
        assertThat(scale("DaemonSet", "falco").refusal())
                .hasValueSatisfying(r -> assertThat(r).contains("one pod per node", "no replica count"));
        assertThat(scale("Job", "backup").refusal())
                .hasValueSatisfying(r -> assertThat(r).contains("Job", "no scale subresource"));
    }

    @Test
    void workloadIsolationReadsTheSelectorThenCreatesThePolicy() {
        IsolateWorkload isolate = new IsolateWorkload(
                new WorkloadKey("payments", new WorkloadRef("ReplicaSet", "batch-7d9f")),
                "sb-1",
                false,
                false,
                List.of(new PodKey("payments", "batch-7d9f-x2")),
                List.of());

        assertThat(isolate.calls())
                .extracting(c -> c.method() + " " + c.path())
                .containsExactly(
                        "GET /apis/apps/v1/namespaces/payments/replicasets/batch-7d9f",
                        "POST /apis/networking.k8s.io/v1/namespaces/payments/networkpolicies");
        assertThat(isolate.calls().get(1).body())
                .contains("sightline-quarantine-sb-1-batch-7d9f", "ReplicaSet's spec.selector", "egress none");
        assertThat(isolate.liftCommands())
                .containsExactly("kubectl -n payments delete networkpolicy sightline-quarantine-sb-1-batch-7d9f");
    }

    private static ScaleWorkload scale(String kind, String name) {
        return new ScaleWorkload(
                new WorkloadKey("payments", new WorkloadRef(kind, name)), false, List.of(POSTGRES), List.of());
    }
}
