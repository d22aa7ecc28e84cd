package io.sightline.server.ingest;

/**
 * A request the server refuses as a whole: the body is empty or unreadable, or not one record in
 * it could be taken. The message names what was expected and what came; {@code code} is stable.
 */
public final class IngestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient java.util.List<IngestResult.Skip> skipped;

    /** A bad request (status 400). */
    public IngestException(String code, String message, java.util.List<IngestResult.Skip> skipped) {
        this(400, code, message, skipped);
    }

    public IngestException(int status, String code, String message, java.util.List<IngestResult.Skip> skipped) {
        super(message);
        this.status = status;
        this.code = code;
        this.skipped = java.util.List.copyOf(skipped);
    }

    /** The HTTP status to answer with: 400 for a bad body, 409 or 422 for a misused idempotency key. */
    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public java.util.List<IngestResult.Skip> skipped() {
        return skipped;
    }
}
