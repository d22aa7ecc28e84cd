package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One executed remediation action as the store keeps it.
 *
 * @param id 1-based, in the order actions were executed
 * @param executedAt when the action finished
 * @param by the token that asked for it
 * @param storyboard the storyboard the action answered
 * @param action the action's kind ({@code isolate-pod}, {@code replace-pod}, ...)
 * @param target what it acted on ({@code namespace/pod}, a node, a service account)
 * @param status {@code changed}, {@code unchanged}, {@code refused}, {@code manual} or {@code failed}
 * @param message what was done, in words
 * @param apiCalls a JSON array of {@code {method, path, code, summary}}, one per API call made
 */
public record AuditRecord(
        long id,
        Instant executedAt,
        Principal by,
        String storyboard,
        String action,
        String target,
        String status,
        String message,
        String apiCalls) {

    public AuditRecord {
        requireNonNull(executedAt, "executedAt is null");
        requireNonNull(by, "by is null");
        requireNonNull(storyboard, "storyboard is null");
        requireNonNull(action, "action is null");
        requireNonNull(target, "target is null");
        requireNonNull(status, "status is null");
        requireNonNull(message, "message is null");
        requireNonNull(apiCalls, "apiCalls is null");
        if (id < 1) {
            throw new IllegalArgumentException("audit ids start at 1, got " + id);
        }
    }

    /** A record before the store has numbered it. */
    public record Pending(
            Instant executedAt,
            Principal by,
            String storyboard,
            String action,
            String target,
            String status,
            String message,
            String apiCalls) {

        public Pending {
            requireNonNull(executedAt, "executedAt is null");
            requireNonNull(by, "by is null");
            requireNonNull(storyboard, "storyboard is null");
            requireNonNull(action, "action is null");
            requireNonNull(target, "target is null");
            requireNonNull(status, "status is null");
            requireNonNull(message, "message is null");
            requireNonNull(apiCalls, "apiCalls is null");
        }
    }
}
