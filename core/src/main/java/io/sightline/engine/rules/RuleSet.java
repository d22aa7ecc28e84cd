package io.sightline.engine.rules;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The behaviours the storyboard engine recognises, as data: named lists, the servers, the paths
 * of web scripts, and the rules. A complete set: every list the engine reads is present and every
 * {@code @list} a rule names exists. Immutable; {@code withX} methods return changed copies, as a
 * user's rule file changes the built-in set.
 *
 * @param lists named lists of process names or addresses; the engine itself reads {@link
 *     #ENGINE_LISTS}
 * @param servers processes that serve requests even when no accept was seen
 * @param webScripts a server writing a file whose whole path matches plants a web shell
 * @param rules in the order they are applied; ids are unique
 */
public record RuleSet(
        Map<String, List<String>> lists, List<ServerPattern> servers, String webScripts, List<Rule> rules) {

    /**
     * Lists the engine's own logic reads: which processes are shells (a shell under a server is
     * how an exploit shows), login services (they start shells by design), container runtime
     * shims (what {@code kubectl exec} starts from), and the cloud metadata addresses.
     */
    public static final Set<String> ENGINE_LISTS =
            Set.of("shells", "login-services", "runtime-shims", "metadata-addresses");

    private static final Pattern LIST_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public RuleSet {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        requireNonNull(lists, "lists is null").forEach((name, entries) -> copy.put(name, List.copyOf(entries)));
        lists = java.util.Collections.unmodifiableMap(copy);
        servers = List.copyOf(requireNonNull(servers, "servers is null"));
        requireNonNull(webScripts, "webScripts is null");
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
        checkLists(lists);
        try {
            Pattern.compile(webScripts);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "field 'web-scripts': not a regular expression (" + e.getDescription() + ") in " + webScripts, e);
        }
        for (int i = 0; i < servers.size(); i++) {
            checkReferences("servers[" + i + "]", "names", servers.get(i).names(), lists);
        }
        Set<String> ids = new HashSet<>();
        for (Rule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("rule " + rule.id() + ": field 'id': given to two rules");
            }
            checkReferences(rule, lists);
        }
    }

    /** The entries of the list of that name. */
    public List<String> list(String name) {
        List<String> entries = lists.get(name);
        if (entries == null) {
            throw new IllegalArgumentException("no list named '" + name + "'; lists are " + lists.keySet());
        }
        return entries;
    }

    /** This set with these lists added, or replacing the lists of the same names. */
    public RuleSet withLists(Map<String, List<String>> changed) {
        Map<String, List<String>> merged = new LinkedHashMap<>(lists);
        merged.putAll(changed);
        return new RuleSet(merged, servers, webScripts, rules);
    }

    public RuleSet withServers(List<ServerPattern> changed) {
        return new RuleSet(lists, changed, webScripts, rules);
    }

    public RuleSet withWebScripts(String changed) {
        return new RuleSet(lists, servers, changed, rules);
    }

    /**
     * This set with these rules: one with the id of a rule already in the set takes its place,
     * the others are applied after the set's own.
     */
    public RuleSet withRules(List<Rule> changed) {
        Map<String, Rule> merged = new LinkedHashMap<>();
        rules.forEach(rule -> merged.put(rule.id(), rule));
        changed.forEach(rule -> merged.put(rule.id(), rule));
        return new RuleSet(lists, servers, webScripts, new ArrayList<>(merged.values()));
    }

    private static void checkLists(Map<String, List<String>> lists) {
        for (String engineList : ENGINE_LISTS) {
            if (!lists.containsKey(engineList)) {
                throw new IllegalArgumentException(
                        "field 'lists': the engine reads a list named '" + engineList + "' and there is none");
            }
        }
        lists.forEach((name, entries) -> {
            if (!LIST_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "list " + name + ": lower-case letters, digits and '-' only in a list name");
            }
            for (String entry : entries) {
                if (entry.isBlank() || entry.startsWith("@")) {
                    throw new IllegalArgumentException("list " + name + ": entry '" + entry
                            + "': a list holds names or addresses, not empty entries or other lists");
                }
            }
        });
    }

    private static void checkReferences(Rule rule, Map<String, List<String>> lists) {
        Condition when = rule.when();
        List<String> parentNames = when instanceof Condition.Exec exec ? exec.parentNames() : List.of();
        List<String> addresses = when instanceof Condition.Connect connect ? connect.addresses() : List.of();
        try {
            checkReferences("", "match.names", when.process().names(), lists);
            checkReferences("", "match.not-names", when.process().notNames(), lists);
            checkReferences("", "match.parent-names", parentNames, lists);
            checkReferences("", "match.addresses", addresses, lists);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule " + rule.id() + ": " + e.getMessage(), e);
        }
    }

    private static void checkReferences(
            String where, String field, List<String> names, Map<String, List<String>> lists) {
        for (String name : names) {
            if (name.startsWith("@") && !lists.containsKey(name.substring(1))) {
                throw new IllegalArgumentException((where.isEmpty() ? "" : where + ": ") + "field '" + field
                        + "': no list named '" + name.substring(1) + "'; lists are "
                        + String.join(", ", lists.keySet()));
            }
        }
    }
}
