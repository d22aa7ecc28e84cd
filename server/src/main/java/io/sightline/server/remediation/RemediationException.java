package io.sightline.server.remediation;

import static java.util.Objects.requireNonNull;

/** A remediation request that cannot be carried out; the reason says which way it was wrong. */
public final class RemediationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    RemediationException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }

    /** Why a request was refused. */
    public enum Reason {
        /** No storyboard of that id. */
        NO_STORYBOARD,
        /** The server was started without a cluster to act on. */
        NO_CLUSTER,
        /** A chosen action is not in the plan. */
        UNKNOWN_ACTION
    }
}
