package io.sightline.engine.rarity;

import static java.util.Objects.requireNonNull;

/**
 * A behaviour as rarity counts it: where it ran and what it was. The scope names the workload
 * ({@code ci/Deployment/gitlab-runner}), else the container or the host ({@code host:runner-3});
 * the behaviour is the parent and child names with the command's first word ({@code
 * gitlab-runner>sh curl}), or with the class of the file written ({@code sh>sh
 * /tmp/…/release_agent}) or the port dialled ({@code sh>kworkerd :5555}).
 */
public record BehaviourPattern(String scope, String behaviour) {

    public BehaviourPattern {
        requireNonNull(scope, "scope is null");
        requireNonNull(behaviour, "behaviour is null");
    }

    @Override
    public String toString() {
        return behaviour + " in " + scope;
    }
}
