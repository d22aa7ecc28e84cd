package io.sightline.engine;

import static java.util.Objects.requireNonNull;

import io.sightline.engine.rules.BuiltInRules;
import io.sightline.engine.rules.Condition;
import io.sightline.engine.rules.Rule;
import io.sightline.engine.rules.RuleSet;
import io.sightline.engine.rules.ServerPattern;
import io.sightline.event.FileAccess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link RuleSet} made ready to match: lists resolved, expressions compiled, rules split by the
 * event they are on and by effect, in the set's order. Matching a rule tests the cheap conditions
 * (names, ports, flags) before any expression. Immutable and thread-safe; what the expressions
 * find is cached per engine, in an {@link ExpressionCache}.
 */
final class CompiledRules {

    static final CompiledRules BUILT_IN = new CompiledRules(BuiltInRules.rules());

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(process|path|remote|command)}");

    private final Names shells;
    private final Names loginServices;
    private final Names runtimeShims;
    private final Set<String> metadataAddresses;
    private final List<Server> servers;
    private final Pattern webScripts;
    private final List<ExecRule> execSeeds = new ArrayList<>();
    private final List<ExecRule> execTags = new ArrayList<>();
    private final List<FileRule> fileSeeds = new ArrayList<>();
    private final List<FileRule> fileTags = new ArrayList<>();
    private final List<ConnectRule> connectSeeds = new ArrayList<>();
    private final List<ConnectRule> connectTags = new ArrayList<>();
    private int expressions;

    CompiledRules(RuleSet set) {
        requireNonNull(set, "set is null");
        shells = Names.of(set, List.of("@shells"));
        loginServices = Names.of(set, List.of("@login-services"));
        runtimeShims = Names.of(set, List.of("@runtime-shims"));
        metadataAddresses = Set.copyOf(set.list("metadata-addresses"));
        servers = set.servers().stream().map(s -> Server.of(set, s)).toList();
        webScripts = Pattern.compile(set.webScripts());
        for (Rule rule : set.rules()) {
            Subject subject = Subject.of(set, rule);
            switch (rule.when()) {
                case Condition.Exec exec -> add(rule, ExecRule.of(set, rule, subject, exec, this), execSeeds, execTags);
                case Condition.File file -> add(rule, FileRule.of(rule, subject, file), fileSeeds, fileTags);
                case Condition.Connect connect ->
                    add(rule, ConnectRule.of(set, rule, subject, connect), connectSeeds, connectTags);
            }
        }
    }

    private static <T> void add(Rule rule, T compiled, List<T> seeds, List<T> tags) {
        if (rule.seeds()) {
            seeds.add(compiled);
        }
        if (rule.tags()) {
            tags.add(compiled);
        }
    }

    boolean isShell(String name) {
        return shells.contains(name);
    }

    /**
     * A process that serves requests: it accepted inbound connections, or it matches one of the
     * set's servers, but never a login service. A shell under such a process is how a remote
     * exploit shows.
     */
    boolean isServer(ProcessNode node) {
        if (loginServices.contains(node.name())) {
            return false;
        }
        return node.acceptedInbound || servers.stream().anyMatch(server -> server.matches(node));
    }

    /** A login service (sshd and the like): what it accepts opens a session in a child of its own. */
    boolean isLoginService(ProcessNode node) {
        return loginServices.contains(node.name());
    }

    /** The container runtime's own processes: what {@code kubectl exec} and probes start from. */
    boolean isRuntimeShim(ProcessNode node) {
        return runtimeShims.contains(node.name());
    }

    boolean isWebScript(String path) {
        return webScripts.matcher(path).matches();
    }

    boolean isMetadataAddress(String address) {
        return metadataAddresses.contains(address);
    }

    /** A cache of what this set's exec expressions find, for one engine's thread. */
    ExpressionCache newExpressionCache() {
        return new ExpressionCache(expressions);
    }

    /** The first rule that starts a trail at this process when it execs. */
    Optional<Rule> execSeed(ProcessNode node, ExpressionCache cache) {
        ExecFacts facts = new ExecFacts(node, cache);
        for (int i = 0; i < execSeeds.size(); i++) {
            if (execSeeds.get(i).matches(facts, this)) {
                return Optional.of(execSeeds.get(i).rule());
            }
        }
        return Optional.empty();
    }

    /** The rules that label a process on a trail by its exec, each with its trail line if it has one. */
    List<Match> execTags(ProcessNode node, ExpressionCache cache) {
        ExecFacts facts = new ExecFacts(node, cache);
        List<Match> matches = new ArrayList<>(2);
        for (ExecRule rule : execTags) {
            if (rule.matches(facts, this)) {
                matches.add(new Match(
                        rule.rule, rule.rule.step().map(step -> render(step, node, "", "", shown(facts.command())))));
            }
        }
        return matches;
    }

    Optional<Rule> fileSeed(ProcessNode node, String path, FileAccess.Mode mode) {
        for (int i = 0; i < fileSeeds.size(); i++) {
            if (fileSeeds.get(i).matches(node, path, mode)) {
                return Optional.of(fileSeeds.get(i).rule());
            }
        }
        return Optional.empty();
    }

    List<Match> fileTags(ProcessNode node, String path, FileAccess.Mode mode) {
        List<Match> matches = new ArrayList<>(1);
        for (FileRule rule : fileTags) {
            if (rule.matches(node, path, mode)) {
                matches.add(new Match(rule.rule, rule.rule.step().map(step -> render(step, node, path, "", ""))));
            }
        }
        return matches;
    }

    Optional<Rule> connectSeed(ProcessNode node, Flow flow) {
        boolean isPublic = flow.remoteAddress.isPublic;
        for (ConnectRule rule : connectSeeds) {
            if (rule.matches(node, flow, isPublic)) {
                return Optional.of(rule.rule());
            }
        }
        return Optional.empty();
    }

    List<Match> connectTags(ProcessNode node, Flow flow) {
        boolean isPublic = flow.remoteAddress.isPublic;
        List<Match> matches = new ArrayList<>(1);
        for (ConnectRule rule : connectTags) {
            if (rule.matches(node, flow, isPublic)) {
                matches.add(new Match(
                        rule.rule,
                        rule.rule
                                .step()
                                .map(step ->
                                        render(step, node, "", flow.remote().toString(), ""))));
            }
        }
        return matches;
    }

    /** A rule's trail line; {@link Rule} checked that it names only the placeholders of its kind. */
    private static String render(String template, ProcessNode node, String path, String remote, String command) {
        Matcher placeholder = PLACEHOLDER.matcher(template);
        return placeholder.replaceAll(found -> Matcher.quoteReplacement(
                switch (found.group(1)) {
                    case "process" -> node.name();
                    case "path" -> path;
                    case "remote" -> remote;
                    default -> command;
                }));
    }

    /** A command as a trail shows it: credentials masked, at most 120 characters. */
    private static String shown(String command) {
        return CommandLabels.masked(command, 120);
    }

    private Expression expression(String regex) {
        return new Expression(Pattern.compile(regex), expressions++);
    }

    /** A rule's regular expression, numbered within its set so that a cache can keep what it found. */
    record Expression(Pattern pattern, int slot) {}

    /**
     * Whether each exec expression finds a match in the command lines seen lately. A command line
     * repeats for thousands of processes (a health check every few seconds), and a search of a
     * long one costs microseconds; a lookup of a line seen before costs a hash. Each expression
     * keeps at most {@link #CAPACITY} lines and starts again empty when full. One per engine, on
     * the engine's thread.
     */
    static final class ExpressionCache {

        private static final int CAPACITY = 256;

        private final List<Map<String, Boolean>> found;

        ExpressionCache(int expressions) {
            found = new ArrayList<>(expressions);
            for (int i = 0; i < expressions; i++) {
                found.add(new HashMap<>());
            }
        }

        boolean finds(Expression expression, String text) {
            Map<String, Boolean> seen = found.get(expression.slot());
            Boolean known = seen.get(text);
            if (known != null) {
                return known;
            }
            boolean finds = expression.pattern().matcher(text).find();
            if (seen.size() == CAPACITY) {
                seen.clear();
            }
            seen.put(text, finds);
            return finds;
        }
    }

    /** A rule that matched, and the line it writes into the trail. */
    record Match(Rule rule, Optional<String> step) {

        Technique technique() {
            return rule.technique();
        }
    }

    /** Process names: exact ones and prefixes (written {@code name*}), lists resolved. */
    private record Names(Set<String> exact, List<String> prefixes) {

        static Names of(RuleSet set, List<String> entries) {
            Set<String> exact = new HashSet<>();
            List<String> prefixes = new ArrayList<>();
            for (String entry : entries) {
                List<String> resolved = entry.startsWith("@") ? set.list(entry.substring(1)) : List.of(entry);
                for (String name : resolved) {
                    if (name.endsWith("*")) {
                        prefixes.add(name.substring(0, name.length() - 1));
                    } else {
                        exact.add(name);
                    }
                }
            }
            return new Names(Set.copyOf(exact), List.copyOf(prefixes));
        }

        boolean isEmpty() {
            return exact.isEmpty() && prefixes.isEmpty();
        }

        boolean contains(String name) {
            if (exact.contains(name)) {
                return true;
            }
            for (int i = 0; i < prefixes.size(); i++) {
                if (name.startsWith(prefixes.get(i))) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Server(Names names, Optional<Pattern> arguments) {

        static Server of(RuleSet set, ServerPattern pattern) {
            return new Server(
                    Names.of(set, pattern.names()), pattern.arguments().map(Pattern::compile));
        }

        boolean matches(ProcessNode node) {
            return names.contains(node.name())
                    && arguments.map(p -> p.matcher(node.arguments).find()).orElse(true);
        }
    }

    /** The process conditions every kind of rule shares. */
    private record Subject(Names names, Names notNames, Optional<Boolean> inContainer) {

        static Subject of(RuleSet set, Rule rule) {
            var process = rule.when().process();
            return new Subject(
                    Names.of(set, process.names()), Names.of(set, process.notNames()), process.inContainer());
        }

        boolean matches(ProcessNode node) {
            String name = node.name();
            return (names.isEmpty() || names.contains(name))
                    && !notNames.contains(name)
                    && inContainer
                            .map(wanted -> wanted == node.container.isPresent())
                            .orElse(true);
        }
    }

    /** What exec rules test, the decoded payload worked out once and only when a rule asks. */
    private static final class ExecFacts {

        final ProcessNode node;
        final ExpressionCache cache;
        private Optional<String> decoded;

        ExecFacts(ProcessNode node, ExpressionCache cache) {
            this.node = node;
            this.cache = cache;
        }

        Optional<String> decoded() {
            if (decoded == null) {
                decoded = Behaviours.decodedPayload(node);
            }
            return decoded;
        }

        String command() {
            return decoded().orElse(node.arguments);
        }
    }

    private record ExecRule(
            Rule rule,
            Subject subject,
            Optional<Expression> arguments,
            Optional<Expression> command,
            boolean encodedPayload,
            Names parentNames,
            boolean parentServesRequests) {

        static ExecRule of(RuleSet set, Rule rule, Subject subject, Condition.Exec exec, CompiledRules rules) {
            return new ExecRule(
                    rule,
                    subject,
                    exec.arguments().map(rules::expression),
                    exec.command().map(rules::expression),
                    exec.encodedPayload(),
                    Names.of(set, exec.parentNames()),
                    exec.parentServesRequests());
        }

        boolean matches(ExecFacts facts, CompiledRules rules) {
            ProcessNode node = facts.node;
            if (!subject.matches(node)) {
                return false;
            }
            if (!parentNames.isEmpty() && (node.parent == null || !parentNames.contains(node.parent.name()))) {
                return false;
            }
            if (parentServesRequests && (node.parent == null || !rules.isServer(node.parent))) {
                return false;
            }
            if (arguments.isPresent() && !facts.cache.finds(arguments.get(), node.arguments)) {
                return false;
            }
            if (encodedPayload && facts.decoded().isEmpty()) {
                return false;
            }
            return command.isEmpty() || facts.cache.finds(command.get(), facts.command());
        }
    }

    private record FileRule(Rule rule, Subject subject, Pattern path, Condition.Access access) {

        static FileRule of(Rule rule, Subject subject, Condition.File file) {
            return new FileRule(rule, subject, Pattern.compile(file.path()), file.access());
        }

        boolean matches(ProcessNode node, String filePath, FileAccess.Mode mode) {
            boolean accessMatches = switch (access) {
                case ANY -> true;
                case READ -> mode == FileAccess.Mode.READ;
                case WRITE -> mode == FileAccess.Mode.WRITE;
            };
            return accessMatches
                    && subject.matches(node)
                    && path.matcher(filePath).matches();
        }
    }

    private record ConnectRule(
            Rule rule, Subject subject, Set<Integer> ports, Optional<Boolean> publicAddress, Set<String> addresses) {

        static ConnectRule of(RuleSet set, Rule rule, Subject subject, Condition.Connect connect) {
            Set<String> addresses = new HashSet<>();
            for (String entry : connect.addresses()) {
                addresses.addAll(entry.startsWith("@") ? set.list(entry.substring(1)) : List.of(entry));
            }
            return new ConnectRule(rule, subject, connect.ports(), connect.publicAddress(), Set.copyOf(addresses));
        }

        boolean matches(ProcessNode node, Flow flow, boolean isPublic) {
            return (ports.isEmpty() || ports.contains(flow.remotePort))
                    && publicAddress.map(wanted -> wanted == isPublic).orElse(true)
                    && (addresses.isEmpty() || addresses.contains(flow.remoteAddress.text))
                    && subject.matches(node);
        }
    }
}
