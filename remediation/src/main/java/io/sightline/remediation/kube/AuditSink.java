package io.sightline.remediation.kube;

import java.time.Instant;

/**
 * Where executed actions are recorded: the CLI's JSON-lines {@link AuditLog}, the server's store.
 * {@link KubernetesRemediator} records each outcome before it starts the next action; a sink that
 * cannot record throws, and the remediator stops there rather than act unrecorded.
 */
@FunctionalInterface
public interface AuditSink {

    void append(Instant time, String operator, String storyboardId, ActionOutcome outcome);
}
