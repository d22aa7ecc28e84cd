package io.sightline.server.remediation;

import static java.util.Objects.requireNonNull;

import io.sightline.remediation.kube.ActionOutcome;
import io.sightline.store.AuditRecord;
import io.sightline.store.Principal;
import java.util.List;

/** What one execution request did: each action's outcome with the audit record kept for it. */
public record Execution(String storyboardId, Principal by, List<Step> steps) {

    public Execution {
        requireNonNull(storyboardId, "storyboardId is null");
        requireNonNull(by, "by is null");
        steps = List.copyOf(steps);
    }

    /** Whether any action changed the cluster; false when a rerun found everything already done. */
    public boolean changedAnything() {
        return steps.stream().anyMatch(s -> s.outcome().status() == ActionOutcome.Status.CHANGED);
    }

    public boolean failedAny() {
        return steps.stream().anyMatch(s -> s.outcome().status() == ActionOutcome.Status.FAILED);
    }

    /** One executed action. */
    public record Step(String actionId, ActionOutcome outcome, AuditRecord audit) {

        public Step {
            requireNonNull(actionId, "actionId is null");
            requireNonNull(outcome, "outcome is null");
            requireNonNull(audit, "audit is null");
        }
    }
}
