package io.sightline.engine;

/**
 * ATT&CK enterprise tactics in the order an intrusion usually reaches them. The order is what
 * severity follows: a trail that got from initial access to impact is worse than one that only
 * executed a command.
 */
public enum Tactic {
    RECONNAISSANCE("TA0043"),
    INITIAL_ACCESS("TA0001"),
    EXECUTION("TA0002"),
    PERSISTENCE("TA0003"),
    PRIVILEGE_ESCALATION("TA0004"),
    DEFENSE_EVASION("TA0005"),
    CREDENTIAL_ACCESS("TA0006"),
    DISCOVERY("TA0007"),
    LATERAL_MOVEMENT("TA0008"),
    COLLECTION("TA0009"),
    COMMAND_AND_CONTROL("TA0011"),
    EXFILTRATION("TA0010"),
    IMPACT("TA0040");

    private final String id;

    Tactic(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
