package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * A runtime container id: the runtime scheme ({@code containerd}, {@code docker}, {@code cri-o})
 * kept apart from the 64-hex id. Sensors often report only a prefix (Falco the first 12
 * characters, Tetragon's {@code docker} field 31), so lookups go through {@link #shortId()}.
 */
public record ContainerId(Optional<String> runtime, String id) {

    public static final int SHORT_LENGTH = 12;

    public ContainerId {
        requireNonNull(runtime, "runtime is null");
        requireNonNull(id, "id is null");
        if (id.length() < SHORT_LENGTH) {
            throw new IllegalArgumentException(
                    "container id must have at least " + SHORT_LENGTH + " characters, got '" + id + "'");
        }
    }

    /** Parses {@code containerd://<hex>}, {@code docker://<hex>} or a bare hex id. */
    public static ContainerId parse(String text) {
        requireNonNull(text, "text is null");
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        int scheme = trimmed.indexOf("://");
        if (scheme >= 0) {
            return new ContainerId(Optional.of(trimmed.substring(0, scheme)), trimmed.substring(scheme + 3));
        }
        return new ContainerId(Optional.empty(), trimmed);
    }

    public String shortId() {
        return id.substring(0, SHORT_LENGTH);
    }

    public boolean isFull() {
        return id.length() == 64;
    }
}
