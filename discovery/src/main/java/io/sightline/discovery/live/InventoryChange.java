package io.sightline.discovery.live;

import static java.util.Objects.requireNonNull;

import io.sightline.discovery.ObjectKey;
import java.util.Locale;

/** One object of one source that appeared, changed or went away between two looks at the store. */
public record InventoryChange(String source, ObjectKey key, Kind kind) {

    public InventoryChange {
        requireNonNull(source, "source is null");
        requireNonNull(key, "key is null");
        requireNonNull(kind, "kind is null");
    }

    public enum Kind {
        ADDED,
        CHANGED,
        GONE
    }

    /** {@code prod: Pod web/storefront-7qrwqrlxj-zz9k2 added}. */
    @Override
    public String toString() {
        return source + ": " + key + " " + kind.name().toLowerCase(Locale.ROOT);
    }
}
