package io.sightline.server.ingest;

/**
 * A request the server refuses as a whole: the body is empty or unreadable, or not one record in
 * it could be taken. The message names what was expected and what came; {@code code} is stable.
 */
public final class IngestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient java.util.List<IngestResult.Skip> skipped;

    public IngestException(String code, String message, java.util.List<IngestResult.Skip> skipped) {
        super(message);
        this.code = code;
        this.skipped = java.util.List.copyOf(skipped);
    }

    public String code() {
        return code;
    }

    public java.util.List<IngestResult.Skip> skipped() {
        return skipped;
    }
}
