package io.sightline.shiftleft;

/**
 * The account as a whole cannot be read: its credential is missing or rejected, or its API does
 * not answer. The sync stops this account and goes on with the others.
 */
public final class AccountFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AccountFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public AccountFailure(String message) {
        super(message);
    }
}
