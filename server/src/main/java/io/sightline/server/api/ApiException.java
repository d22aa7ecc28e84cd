package io.sightline.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Optional;

/** A request refused with a status, a stable code and a message that says what was wrong. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Optional<ArrayNode> skipped;

    ApiException(int status, String code, String message) {
        this(status, code, message, Optional.empty());
    }

    ApiException(int status, String code, String message, Optional<ArrayNode> skipped) {
        super(message);
        this.status = status;
        this.code = code;
        this.skipped = skipped;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Optional<ArrayNode> skipped() {
        return skipped;
    }
}
