package io.sightline.formats.inventory;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where one item sits in an inventory document and what it is, as a skip reason names it:
 * {@code items[3] (pod payments/orders-api-x)}.
 */
record ItemLabel(String path, String noun, Optional<String> name) {

    ItemLabel {
        requireNonNull(path, "path is null");
        requireNonNull(noun, "noun is null");
        requireNonNull(name, "name is null");
    }

    String describe() {
        String what = noun + name.map(n -> " " + n).orElse("");
        return path.isEmpty() ? what : path + " (" + what + ")";
    }
}
