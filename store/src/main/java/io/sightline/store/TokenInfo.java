package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A token as {@code sightline token list} shows it: never its secret, which the store does not keep. */
public record TokenInfo(String id, Role role, Instant createdAt) {

    public TokenInfo {
        requireNonNull(id, "id is null");
        requireNonNull(role, "role is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
