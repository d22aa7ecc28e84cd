package io.sightline.engine.rules;

import io.sightline.engine.Tactic;
import io.sightline.engine.Technique;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rule set Sightline ships, built in code so that the engine has it without reading a file.
 * The formats module ships the same set as {@code builtin-rules.yaml}, the file users read and
 * extend; a test there keeps the two equal.
 */
public final class BuiltInRules {

    private static final Technique UNIX_SHELL =
            new Technique("T1059.004", "Command and Scripting Interpreter: Unix Shell", Tactic.EXECUTION);
    private static final Technique INGRESS_TOOL_TRANSFER =
            new Technique("T1105", "Ingress Tool Transfer", Tactic.COMMAND_AND_CONTROL);
    private static final Technique RESOURCE_HIJACKING = new Technique("T1496", "Resource Hijacking", Tactic.IMPACT);
    private static final Technique STEAL_APP_TOKEN =
            new Technique("T1528", "Steal Application Access Token", Tactic.CREDENTIAL_ACCESS);
    private static final Technique CONTAINER_DISCOVERY =
            new Technique("T1613", "Container and Resource Discovery", Tactic.DISCOVERY);
    private static final Technique ESCAPE_TO_HOST =
            new Technique("T1611", "Escape to Host", Tactic.PRIVILEGE_ESCALATION);
    private static final Technique CREDENTIALS_IN_FILES =
            new Technique("T1552.001", "Unsecured Credentials: Credentials In Files", Tactic.CREDENTIAL_ACCESS);
    private static final Technique CLOUD_METADATA =
            new Technique("T1552.005", "Unsecured Credentials: Cloud Instance Metadata API", Tactic.CREDENTIAL_ACCESS);
    private static final Technique FILE_PERMISSIONS =
            new Technique("T1222.002", "File and Directory Permissions Modification: Linux", Tactic.DEFENSE_EVASION);
    private static final Technique HIDDEN_FILES =
            new Technique("T1564.001", "Hide Artifacts: Hidden Files and Directories", Tactic.DEFENSE_EVASION);
    private static final Technique USER_DISCOVERY =
            new Technique("T1033", "System Owner/User Discovery", Tactic.DISCOVERY);
    private static final Technique APP_LAYER_PROTOCOL =
            new Technique("T1071", "Application Layer Protocol", Tactic.COMMAND_AND_CONTROL);
    private static final Technique NON_APP_LAYER_PROTOCOL =
            new Technique("T1095", "Non-Application Layer Protocol", Tactic.COMMAND_AND_CONTROL);
    private static final Technique DEOBFUSCATE =
            new Technique("T1140", "Deobfuscate/Decode Files or Information", Tactic.DEFENSE_EVASION);

    private static final String MINER_ARGUMENTS = "(?i)stratum\\+(tcp|ssl)://|--donate-level|xmrig|minexmr";
    private static final String NSENTER_TO_PID_1 = "-t\\s*1\\b|--target[= ]1\\b";
    private static final String HOST_DEVICE_OR_CGROUP = "/dev/(sd|nvme|xvd|vd|hd)[a-z0-9]*|-t\\s*cgroup|\\bcgroup\\b";
    private static final Set<Integer> MINER_PORTS = Set.of(3333, 4444, 5555, 5556, 7777, 9999, 14433, 14444, 45700);

    private static final RuleSet RULES =
            new RuleSet(lists(), servers(), "(?i).*\\.(jsp|jspx|php|phtml|asp|aspx|cgi)", behaviours());

    private BuiltInRules() {}

    public static RuleSet rules() {
        return RULES;
    }

    private static Map<String, List<String>> lists() {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put("shells", List.of("sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"));
        lists.put(
                "login-services",
                List.of("sshd", "dropbear", "telnetd", "login", "su", "sudo", "runuser", "systemd", "init"));
        lists.put("runtime-shims", List.of("runc", "runc:[2:INIT]", "crun", "conmon", "containerd-shim*"));
        lists.put("metadata-addresses", List.of("169.254.169.254"));
        lists.put(
                "web-servers",
                List.of("httpd", "apache2", "nginx", "php-fpm", "lighttpd", "caddy", "uwsgi", "gunicorn"));
        lists.put("downloaders", List.of("curl", "wget", "fetch", "tftp"));
        lists.put("user-discovery-tools", List.of("id", "whoami", "uname", "hostname", "w"));
        lists.put("container-tools", List.of("crictl", "ctr", "docker", "kubectl", "nerdctl"));
        return lists;
    }

    private static List<ServerPattern> servers() {
        return List.of(
                new ServerPattern(List.of("@web-servers"), Optional.empty()),
                new ServerPattern(
                        List.of("java"),
                        Optional.of("(?i)catalina|tomcat|jetty|wildfly|jboss|org\\.springframework\\.boot")));
    }

    private static List<Rule> behaviours() {
        return List.of(
                Rule.tag("unix-shell", "A shell runs on the trail", UNIX_SHELL, exec("@shells")),
                Rule.tag(
                        "downloader",
                        "A download tool fetches a URL",
                        INGRESS_TOOL_TRANSFER,
                        exec("@downloaders").withArguments("://")),
                new Rule(
                        "miner-arguments",
                        "A coin miner, known by its pool URL or its options",
                        RESOURCE_HIJACKING,
                        Set.of(Effect.SEED, Effect.TAG),
                        Condition.Exec.of(ProcessMatch.ANY).withArguments(MINER_ARGUMENTS),
                        Optional.empty()),
                Rule.tag(
                        "permission-change",
                        "chmod makes a file executable or world-writable",
                        FILE_PERMISSIONS,
                        exec("chmod").withArguments("\\+x|\\b[0-7]?7[0-7]{2}\\b")),
                Rule.tag(
                        "hidden-directory",
                        "mkdir creates a directory whose name starts with a dot",
                        HIDDEN_FILES,
                        exec("mkdir").withArguments("/\\.[^/ .][^/ ]*")),
                Rule.tag("user-discovery", "Who am I, where am I", USER_DISCOVERY, exec("@user-discovery-tools")),
                Rule.tag(
                        "encoded-payload",
                        "A command decodes a base64 payload to run it",
                        DEOBFUSCATE,
                        Condition.Exec.of(ProcessMatch.ANY).withEncodedPayload()),
                Rule.tag(
                                "reverse-shell",
                                "Bash's network redirections, or netcat handing a shell to the connection",
                                NON_APP_LAYER_PROTOCOL,
                                Condition.Exec.of(ProcessMatch.ANY)
                                        .withCommand(
                                                "/dev/(tcp|udp)/[^/\\s]+/\\d+|\\bn(c|cat)\\b.*\\s-[ec]\\s*\\S*sh\\b"))
                        .withStep("{process} starts a reverse shell: {command}"),
                Rule.tag(
                        "container-tool",
                        "A container runtime or cluster client runs on the trail",
                        CONTAINER_DISCOVERY,
                        exec("@container-tools")),
                Rule.tag(
                        "nsenter-to-host",
                        "nsenter into the namespaces of the host's pid 1",
                        ESCAPE_TO_HOST,
                        exec("nsenter").withArguments(NSENTER_TO_PID_1)),
                Rule.tag(
                        "host-mount",
                        "A mount of a host block device or a cgroup hierarchy",
                        ESCAPE_TO_HOST,
                        exec("mount").withArguments(HOST_DEVICE_OR_CGROUP)),
                Rule.seed(
                        "nsenter-from-container",
                        "nsenter from a container into the host's namespaces starts a trail",
                        ESCAPE_TO_HOST,
                        Condition.Exec.of(ProcessMatch.named("nsenter").onlyInContainers())
                                .withArguments(NSENTER_TO_PID_1)),
                Rule.seed(
                        "host-mount-from-container",
                        "A container mounting a host device or cgroup hierarchy starts a trail",
                        ESCAPE_TO_HOST,
                        Condition.Exec.of(ProcessMatch.named("mount").onlyInContainers())
                                .withArguments(HOST_DEVICE_OR_CGROUP)),
                new Rule(
                                "cgroup-release-agent",
                                "Writing a cgroup v1 release_agent runs a command on the host: the classic escape",
                                ESCAPE_TO_HOST,
                                Set.of(Effect.SEED, Effect.TAG),
                                new Condition.File(ProcessMatch.ANY, ".*/release_agent", Condition.Access.WRITE),
                                Optional.empty())
                        .withStep("{process} writes {path} (cgroup escape)"),
                Rule.tag(
                                "service-account-token",
                                "The pod's service-account token is read",
                                STEAL_APP_TOKEN,
                                new Condition.File(
                                        ProcessMatch.ANY,
                                        "/var/run/secrets/(kubernetes\\.io|eks\\.amazonaws\\.com)/serviceaccount/.*token",
                                        Condition.Access.ANY))
                        .withStep("{process} reads the service-account token"),
                Rule.tag(
                                "credential-file",
                                "Node, cloud and cluster credentials on disk are read",
                                CREDENTIALS_IN_FILES,
                                new Condition.File(
                                        ProcessMatch.ANY,
                                        "/var/lib/kubelet/kubeconfig|/etc/kubernetes/.*\\.(conf|kubeconfig)"
                                                + "|.*/\\.aws/credentials|/etc/shadow|.*/\\.kube/config"
                                                + "|/var/lib/kubelet/pki/.*",
                                        Condition.Access.ANY))
                        .withStep("{process} reads {path}"),
                Rule.tag(
                                "shell-connects-out",
                                "A shell holding a connection to a public address",
                                APP_LAYER_PROTOCOL,
                                new Condition.Connect(
                                        ProcessMatch.named("@shells"), Set.of(), Optional.of(true), List.of()))
                        .withStep("{process} connects to {remote} (shell connected to a remote host)"),
                Rule.tag(
                                "miner-pool-port",
                                "A connection to a public address on a port mining pools use (a shell's is command and control)",
                                RESOURCE_HIJACKING,
                                new Condition.Connect(
                                        ProcessMatch.ANY.withNotNames("@shells"),
                                        MINER_PORTS,
                                        Optional.of(true),
                                        List.of()))
                        .withStep("{process} connects to {remote} (miner pool port)"),
                Rule.seed(
                        "miner-pool-port-seed",
                        "Any process connecting to a public address on a mining pool port starts a trail",
                        RESOURCE_HIJACKING,
                        new Condition.Connect(ProcessMatch.ANY, MINER_PORTS, Optional.of(true), List.of())),
                Rule.tag(
                                "instance-metadata",
                                "The cloud instance metadata service is queried",
                                CLOUD_METADATA,
                                new Condition.Connect(
                                        ProcessMatch.ANY, Set.of(), Optional.empty(), List.of("@metadata-addresses")))
                        .withStep("{process} connects to {remote} (instance metadata service)"));
    }

    private static Condition.Exec exec(String... names) {
        return Condition.Exec.of(ProcessMatch.named(names));
    }
}
