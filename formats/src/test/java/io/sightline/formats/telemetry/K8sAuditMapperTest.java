package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.ApiCall;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Audit events from Falco's k8s_audit test traces (minikube, 2018-2020). */
class K8sAuditMapperTest {

    @Test
    void execWithoutApiVersionIsStillAnAuditEvent() {
        ApiCall exec = TelemetryFiles.readCorpus("k8s-audit/exec_pod.json").at(1, ApiCall.class);

        assertThat(exec.auditId()).isEqualTo("ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6");
        assertThat(exec.stage()).isEqualTo("ResponseStarted");
        assertThat(exec.user()).isEqualTo("minikube-user");
        assertThat(exec.verb()).isEqualTo("create");
        assertThat(exec.resource()).contains("pods");
        assertThat(exec.subresource()).contains("exec");
        assertThat(exec.namespace()).contains("default");
        assertThat(exec.name()).contains("nginx-deployment-7998647bdf-phvq7");
        assertThat(exec.status()).isEqualTo(101);
        assertThat(exec.sourceIps()).containsExactly("192.168.99.1");
        assertThat(exec.userAgent()).isEmpty();
        assertThat(exec.fromPod()).isEmpty();
        assertThat(exec.time()).isEqualTo(Instant.parse("2018-10-26T13:38:34.902914Z"));
        assertThat(exec.requestUri())
                .startsWith("/api/v1/namespaces/default/pods/nginx-deployment-7998647bdf-phvq7/exec?");
    }

    @Test
    void v1beta1ServiceAccountRequestWithoutPodBinding() {
        ApiCall create = TelemetryFiles.readCorpus("k8s-audit/create_nginx_pod_privileged.json")
                .at(1, ApiCall.class);

        assertThat(create.user()).isEqualTo("system:serviceaccount:kube-system:replicaset-controller");
        assertThat(create.fromPod()).isEmpty();
        assertThat(create.sourceIps()).containsExactly("::1");
        assertThat(create.status()).isEqualTo(201);
        assertThat(create.name()).isEmpty();
    }

    @Test
    void v1SecretCreation() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus("k8s-audit/create_kube_system_secret.json");
        ApiCall create = read.at(1, ApiCall.class);

        assertThat(read.summary().format()).isEqualTo("k8s-audit");
        assertThat(create.resource()).contains("secrets");
        assertThat(create.namespace()).contains("kube-system");
        assertThat(create.name()).contains("bootstrap-token-ne7bxu");
        assertThat(create.userAgent()).isEqualTo("kubeadm/v1.16.2 (linux/amd64) kubernetes/c97fe50");
        assertThat(TelemetryFiles.readCorpus("k8s-audit/attach_pod.json")
                        .at(1, ApiCall.class)
                        .subresource())
                .contains("attach");
    }

    @Test
    void repeatedValuesOfCallsDecodedByOneThreadAreOneInstance() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String line = """
                {"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"%s","stage":"ResponseComplete",
                 "requestURI":"/api/v1/namespaces/ci/pods","verb":"list",
                 "user":{"username":"system:serviceaccount:ci:runner"},"sourceIPs":["10.0.3.7"],
                 "userAgent":"kubectl/v1.29.0","objectRef":{"resource":"pods","namespace":"ci"},
                 "responseStatus":{"code":200},"stageTimestamp":"2026-12-01T10:00:0%dZ"}""";

        ApiCall first = (ApiCall) K8sAuditMapper.map(
                        json.readTree(line.formatted("a-1", 1)), new io.sightline.event.SourceRecord("audit.log", 1))
                .getFirst();
        ApiCall second = (ApiCall) K8sAuditMapper.map(
                        json.readTree(line.formatted("a-2", 2)), new io.sightline.event.SourceRecord("audit.log", 2))
                .getFirst();

        assertThat(second.auditId()).isEqualTo("a-2");
        assertThat(second.user()).isEqualTo("system:serviceaccount:ci:runner").isSameAs(first.user());
        assertThat(second.userAgent()).isSameAs(first.userAgent());
        assertThat(second.verb()).isSameAs(first.verb());
        assertThat(second.requestUri()).isSameAs(first.requestUri());
        assertThat(second.sourceIps()).containsExactly("10.0.3.7").isSameAs(first.sourceIps());
        assertThat(second.namespace()).contains("ci").isSameAs(first.namespace());
        assertThat(second.resource()).isSameAs(first.resource());
    }
}
