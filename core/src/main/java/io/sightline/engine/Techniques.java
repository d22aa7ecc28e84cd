package io.sightline.engine;

import io.sightline.engine.rules.BuiltInRules;
import io.sightline.engine.rules.Rule;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The ATT&CK techniques Sightline names, by id, so that ids a sensor tags (Falco's {@code T1611},
 * GuardDuty's) land on the same tactic as Sightline's own behaviours.
 */
final class Techniques {

    private static final Map<String, Technique> BY_ID = new HashMap<>();

    static {
        Stream.concat(
                        BuiltInRules.rules().rules().stream().map(Rule::technique),
                        Stream.of(
                                Behaviours.EXPLOIT_PUBLIC_APP,
                                Behaviours.CONTAINER_API,
                                Behaviours.CONTAINER_DISCOVERY,
                                Behaviours.EXPLOIT_REMOTE_SERVICE,
                                Behaviours.WEB_SHELL,
                                Behaviours.ESCAPE_TO_HOST,
                                Behaviours.CONTAINER_ADMIN_COMMAND,
                                new Technique("T1059", "Command and Scripting Interpreter", Tactic.EXECUTION),
                                new Technique("T1609", "Container Administration Command", Tactic.EXECUTION),
                                new Technique("T1610", "Deploy Container", Tactic.EXECUTION),
                                new Technique("T1552", "Unsecured Credentials", Tactic.CREDENTIAL_ACCESS),
                                new Technique("T1003", "OS Credential Dumping", Tactic.CREDENTIAL_ACCESS),
                                new Technique(
                                        "T1068", "Exploitation for Privilege Escalation", Tactic.PRIVILEGE_ESCALATION),
                                new Technique("T1611", "Escape to Host", Tactic.PRIVILEGE_ESCALATION),
                                new Technique("T1046", "Network Service Discovery", Tactic.DISCOVERY),
                                new Technique("T1082", "System Information Discovery", Tactic.DISCOVERY),
                                new Technique("T1090", "Proxy", Tactic.COMMAND_AND_CONTROL),
                                new Technique("T1070", "Indicator Removal", Tactic.DEFENSE_EVASION),
                                new Technique("T1036", "Masquerading", Tactic.DEFENSE_EVASION),
                                new Technique("T1098", "Account Manipulation", Tactic.PERSISTENCE),
                                new Technique("T1053.003", "Scheduled Task/Job: Cron", Tactic.PERSISTENCE),
                                new Technique("T1078", "Valid Accounts", Tactic.INITIAL_ACCESS),
                                new Technique("T1485", "Data Destruction", Tactic.IMPACT),
                                new Technique("T1565", "Data Manipulation", Tactic.IMPACT),
                                new Technique("T1486", "Data Encrypted for Impact", Tactic.IMPACT)))
                .forEach(technique -> BY_ID.putIfAbsent(technique.id(), technique));
    }

    private Techniques() {}

    static Optional<Technique> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }
}
