package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Severity;
import java.util.List;

/** The actions proposed for one storyboard, in the order they should run. */
public record RemediationPlan(String storyboardId, Severity severity, List<RemediationAction> actions) {

    public RemediationPlan {
        requireNonNull(storyboardId, "storyboardId is null");
        requireNonNull(severity, "severity is null");
        actions = List.copyOf(actions);
    }
}
