package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A runtime container id: the runtime scheme ({@code containerd}, {@code docker}, {@code cri-o})
 * kept apart from the 64-hex id. Sensors often report only a prefix (Falco the first 12
 * characters, Tetragon's {@code docker} field 31), so lookups go through {@link #shortId()}.
 *
 * <p>ECS on Fargate names a container {@code <32-hex task id>-<n>} instead: every container of a
 * task shares the first 12 characters, so such an id is indexed whole ({@link #indexKey()}).
 */
public record ContainerId(Optional<String> runtime, String id) {

    public static final int SHORT_LENGTH = 12;

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

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

    /** True for a runtime's hex id or a prefix of one; false for other forms such as ECS's {@code <task>-<n>}. */
    public boolean isHex() {
        return HEX.matcher(id).matches();
    }

    /**
     * The key an index files this id under: its {@link #shortId()} when it is hex, the whole id
     * otherwise, because a 12-character prefix of {@code <task id>-<n>} names the task, not the
     * container.
     */
    public String indexKey() {
        return isHex() ? shortId() : id;
    }
}
