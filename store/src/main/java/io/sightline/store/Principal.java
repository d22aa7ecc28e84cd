package io.sightline.store;

import static java.util.Objects.requireNonNull;

/**
 * Who made a request: the id of the token it carried (the part of {@code sl_<id>_<secret>} before
 * the secret, safe to log and to record) and the token's role.
 */
public record Principal(String tokenId, Role role) {

    public Principal {
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(role, "role is null");
    }
}
