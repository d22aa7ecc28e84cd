package io.sightline.server.api;

import io.javalin.security.RouteRole;
import io.sightline.store.Role;
import java.util.Set;

/** What a route needs, and which token roles grant it. Ingest tokens can only ingest. */
public enum Access implements RouteRole {
    READ(Set.of(Role.VIEWER, Role.OPERATOR, Role.ADMIN)),
    INGEST(Set.of(Role.INGEST, Role.OPERATOR, Role.ADMIN)),
    /** Changing the cluster: executing remediation. */
    OPERATE(Set.of(Role.OPERATOR, Role.ADMIN)),
    ADMIN(Set.of(Role.ADMIN));

    private final Set<Role> granted;

    Access(Set<Role> granted) {
        this.granted = granted;
    }

    boolean grantedTo(Role role) {
        return granted.contains(role);
    }

    Set<Role> roles() {
        return granted;
    }
}
