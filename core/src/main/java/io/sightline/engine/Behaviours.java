package io.sightline.engine;

import io.sightline.engine.rarity.BehaviourPattern;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the engine's own logic recognises beyond its {@link io.sightline.engine.rules.RuleSet}: the
 * techniques its structural links tag (the way in, lateral movement, the Kubernetes API, leaving
 * a container, {@code kubectl exec}), spawn patterns for rarity, base64 payloads and public
 * addresses. The behaviours that are simple predicates are rules, see {@link CompiledRules}.
 */
final class Behaviours {

    static final Technique EXPLOIT_PUBLIC_APP =
            new Technique("T1190", "Exploit Public-Facing Application", Tactic.INITIAL_ACCESS);
    static final Technique CONTAINER_API =
            new Technique("T1552.007", "Unsecured Credentials: Container API", Tactic.CREDENTIAL_ACCESS);
    static final Technique CONTAINER_DISCOVERY =
            new Technique("T1613", "Container and Resource Discovery", Tactic.DISCOVERY);
    static final Technique EXPLOIT_REMOTE_SERVICE =
            new Technique("T1210", "Exploitation of Remote Services", Tactic.LATERAL_MOVEMENT);
    static final Technique WEB_SHELL =
            new Technique("T1505.003", "Server Software Component: Web Shell", Tactic.PERSISTENCE);
    static final Technique ESCAPE_TO_HOST = new Technique("T1611", "Escape to Host", Tactic.PRIVILEGE_ESCALATION);
    static final Technique CONTAINER_ADMIN_COMMAND =
            new Technique("T1609", "Container Administration Command", Tactic.EXECUTION);

    private static final Pattern BASE64_BLOB = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");

    private Behaviours() {}

    /**
     * What a spawn looks like as a pattern for rarity: parent and child names, and for {@code sh -c
     * "cmd ..."} the command's first word, so routine jobs repeat and one-off payloads stand out.
     */
    static BehaviourPattern spawnPattern(String scope, ProcessNode parent, ProcessNode child) {
        return new BehaviourPattern(scope, spawnBehaviour(parent, child));
    }

    /** A file rule that started a trail, as a pattern: who wrote or read it and the path's class. */
    static BehaviourPattern filePattern(String scope, ProcessNode node, String path) {
        return new BehaviourPattern(scope, lineage(node) + " " + pathClass(path));
    }

    /** A connect rule that started a trail, as a pattern: who dialled and the remote port. */
    static BehaviourPattern connectPattern(String scope, ProcessNode node, int port) {
        return new BehaviourPattern(scope, lineage(node) + " :" + port);
    }

    private static String lineage(ProcessNode node) {
        return (node.parent == null ? "" : node.parent.name()) + ">" + node.name();
    }

    /**
     * A path with its middle folded, {@code /tmp/cg-7f3a/release_agent} as {@code
     * /tmp/…/release_agent}: the per-run directory names vary, the place and the file do not.
     */
    static String pathClass(String path) {
        int firstEnd = path.indexOf('/', 1);
        int lastStart = path.lastIndexOf('/');
        if (firstEnd < 0 || firstEnd == lastStart) {
            return path;
        }
        return path.substring(0, firstEnd) + "/…" + path.substring(lastStart);
    }

    private static String spawnBehaviour(ProcessNode parent, ProcessNode child) {
        String arguments = child.arguments.trim();
        int firstEnd = wordEnd(arguments, 0);
        String first = arguments.substring(0, firstEnd);
        String command = first;
        if (first.equals("-c")) {
            int secondStart = wordStart(arguments, firstEnd);
            if (secondStart < arguments.length()) {
                command = arguments
                        .substring(secondStart, wordEnd(arguments, secondStart))
                        .replace("\"", "")
                        .replace("'", "");
            }
        }
        return parent.name() + ">" + child.name() + " " + command;
    }

    /** The words of {@link #spawnPattern} are split as {@code split("\\s+")} splits them, without a regex. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static int wordEnd(String text, int from) {
        int i = from;
        while (i < text.length() && !isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int wordStart(String text, int from) {
        int i = from;
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether the built-in rules count this process as serving requests (see {@link CompiledRules#isServer}). */
    static boolean isServer(ProcessNode node) {
        return CompiledRules.BUILT_IN.isServer(node);
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

    /**
     * Public unicast IPv4, written as four decimal octets of one to three digits: not private (RFC
     * 1918), loopback, link-local, carrier-grade NAT, "this network", multicast or reserved.
     * Anything else, IPv6 and names included, is not. No allocation: it runs once per address the
     * engine interns.
     */
    static boolean isPublicAddress(String address) {
        int firstDot = address.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : address.indexOf('.', firstDot + 1);
        int thirdDot = secondDot < 0 ? -1 : address.indexOf('.', secondDot + 1);
        if (thirdDot < 0) {
            return false;
        }
        int a = octet(address, 0, firstDot);
        int b = octet(address, firstDot + 1, secondDot);
        boolean fourOctets = a >= 0
                && b >= 0
                && octet(address, secondDot + 1, thirdDot) >= 0
                && octet(address, thirdDot + 1, address.length()) >= 0;
        return fourOctets && isPublic(a, b);
    }

    /** One to three digits that make at most 255; -1 for anything else. */
    private static int octet(String text, int from, int to) {
        if (to - from < 1 || to - from > 3) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static boolean isPublic(int a, int b) {
        boolean privateRange = a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
        boolean special = a == 127 || a == 0 || (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
        return !privateRange && !special && a < 224;
    }
}
