package io.sightline.remediation.action;

import io.sightline.event.SourceRecord;
import java.util.List;
import java.util.Optional;

/**
 * One step of a response to a storyboard: what it acts on, why (from what the trail touched), the
 * exact API calls it makes, and the evidence records behind it. An action that must not run as
 * planned says why in {@link #refusal()}; one that no API can carry out gives commands instead.
 */
public sealed interface RemediationAction
        permits IsolatePod, IsolateWorkload, ReplacePod, ScaleWorkload, CordonNode, RemoveApparatus, RevokeToken {

    /** A short stable name: {@code isolate-pod}, {@code replace-pod}, ... */
    String kind();

    /** What it acts on: {@code namespace/pod}, a node name, a service account. */
    String target();

    /** Names the action within its plan, for choosing actions to execute: {@code kind target}. */
    default String id() {
        return kind() + " " + target();
    }

    String why();

    List<ApiRequest> calls();

    /** Commands for a person to run where no API call does the work. */
    default List<String> commands() {
        return List.of();
    }

    List<SourceRecord> evidence();

    /** Commands that undo what the action did, for actions that can be undone. */
    default List<String> liftCommands() {
        return List.of();
    }

    default Optional<String> refusal() {
        return Optional.empty();
    }
}
