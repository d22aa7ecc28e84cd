package io.sightline.shiftleft.http;

import java.net.URI;

/**
 * A request that failed for good: the status (0 when no response came), the URL and what the
 * server said. A 401 or 403 is an {@linkplain #isAuthFailure() authentication failure}: the
 * credential is wrong or expired, so the whole account stops, while other failures cost only
 * the item asked for.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final URI uri;

    public ApiException(int status, URI uri, String message) {
        super(message);
        this.status = status;
        this.uri = uri;
    }

    public ApiException(URI uri, String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.uri = uri;
    }

    public int status() {
        return status;
    }

    public URI uri() {
        return uri;
    }

    public boolean isAuthFailure() {
        return status == 401 || status == 403;
    }

    public boolean isNotFound() {
        return status == 404;
    }
}
