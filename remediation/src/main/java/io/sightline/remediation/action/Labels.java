package io.sightline.remediation.action;

/**
 * The labels Sightline puts on what it creates or marks, so that an operator can find and lift
 * them: {@code kubectl get networkpolicy -A -l app.kubernetes.io/managed-by=sightline}.
 */
public final class Labels {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String SIGHTLINE = "sightline";
    public static final String STORYBOARD = "sightline.io/storyboard";
    public static final String QUARANTINE = "sightline.io/quarantine";

    private Labels() {}
}
