package io.sightline.formats.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sightline.engine.Tactic;
import io.sightline.engine.Technique;
import io.sightline.engine.rules.Condition;
import io.sightline.engine.rules.Effect;
import io.sightline.engine.rules.ProcessMatch;
import io.sightline.engine.rules.Rule;
import io.sightline.engine.rules.RuleSet;
import io.sightline.engine.rules.ServerPattern;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads behaviour rule files (YAML, described in docs/rules.md): the built-in set shipped as
 * {@code builtin-rules.yaml}, and users' files that change it. A file is checked whole before it
 * is used; the first problem is reported as an {@link IllegalArgumentException} naming the file,
 * the rule id and the field: {@code my-rules.yaml: rule cat-shadow: field 'match.path': not a
 * regular expression ...}.
 */
public final class RuleFile {

    private static final String BUILT_IN = "/io/sightline/formats/rules/builtin-rules.yaml";
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

    private static final Set<String> TOP_FIELDS = Set.of("lists", "servers", "web-scripts", "rules");
    private static final Set<String> RULE_FIELDS =
            Set.of("id", "description", "technique", "on", "effect", "match", "step");
    private static final Set<String> TECHNIQUE_FIELDS = Set.of("id", "name", "tactic");
    private static final Set<String> SERVER_FIELDS = Set.of("names", "arguments");
    private static final Set<String> PROCESS_FIELDS = Set.of("names", "not-names", "in-container");
    private static final Map<String, Set<String>> MATCH_FIELDS = Map.of(
            "exec",
            union(PROCESS_FIELDS, "arguments", "command", "encoded-payload", "parent-names", "parent-serves-requests"),
            "file",
            union(PROCESS_FIELDS, "path", "access"),
            "connect",
            union(PROCESS_FIELDS, "ports", "public-address", "addresses"));

    private static volatile RuleSet builtIn;

    private RuleFile() {}

    /** The rules Sightline ships. */
    public static RuleSet builtIn() {
        RuleSet rules = builtIn;
        if (rules == null) {
            try (InputStream in = RuleFile.class.getResourceAsStream(BUILT_IN)) {
                if (in == null) {
                    throw new IllegalStateException("built-in rules missing from the classpath: " + BUILT_IN);
                }
                Document document = parse("builtin-rules.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                rules = document.complete("builtin-rules.yaml");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the built-in rules " + BUILT_IN, e);
            }
            builtIn = rules;
        }
        return rules;
    }

    /** The built-in rules changed by each of these files in turn. */
    public static RuleSet builtInWith(List<Path> files) {
        RuleSet rules = builtIn();
        for (Path file : requireNonNull(files, "files is null")) {
            rules = apply(rules, file);
        }
        return rules;
    }

    /** A rule set changed by one user file. */
    public static RuleSet apply(RuleSet base, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--rules " + file + ": no such file");
        }
        try {
            return apply(base, file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("--rules " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    /** A rule set changed by the rule file {@code text}, named {@code name} in errors. */
    public static RuleSet apply(RuleSet base, String name, String text) {
        return parse(name, text).applyTo(base, name);
    }

    private static Document parse(String name, String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    name + ": not a YAML document: " + e.getOriginalMessage()
                            + Optional.ofNullable(e.getLocation())
                                    .map(l -> " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")")
                                    .orElse(""),
                    e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException(
                    name + ": the file is empty; expected lists, servers, web-scripts or rules");
        }
        try {
            return document(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static Document document(JsonNode root) {
        requireObject(root, "the document");
        checkFields(root, TOP_FIELDS, "");
        Map<String, List<String>> lists = new LinkedHashMap<>();
        JsonNode listsNode = root.path("lists");
        if (!listsNode.isMissingNode()) {
            requireObject(listsNode, "field 'lists'");
            listsNode
                    .properties()
                    .forEach(entry -> lists.put(entry.getKey(), strings(entry.getValue(), "lists." + entry.getKey())));
        }
        Optional<List<ServerPattern>> servers = Optional.empty();
        JsonNode serversNode = root.path("servers");
        if (!serversNode.isMissingNode()) {
            requireArray(serversNode, "field 'servers'");
            List<ServerPattern> patterns = new ArrayList<>();
            for (int i = 0; i < serversNode.size(); i++) {
                patterns.add(server(serversNode.get(i), "servers[" + i + "]"));
            }
            servers = Optional.of(patterns);
        }
        Optional<String> webScripts =
                root.has("web-scripts") ? Optional.of(text(root.get("web-scripts"), "web-scripts")) : Optional.empty();
        List<Rule> rules = new ArrayList<>();
        JsonNode rulesNode = root.path("rules");
        if (!rulesNode.isMissingNode()) {
            requireArray(rulesNode, "field 'rules'");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < rulesNode.size(); i++) {
                Rule rule = rule(rulesNode.get(i), i);
                if (!ids.add(rule.id())) {
                    throw new IllegalArgumentException(
                            "rule " + rule.id() + ": field 'id': given to two rules in this file");
                }
                rules.add(rule);
            }
        }
        return new Document(lists, servers, webScripts, rules);
    }

    private static ServerPattern server(JsonNode node, String where) {
        requireObject(node, where);
        checkFields(node, SERVER_FIELDS, where + ".");
        try {
            return new ServerPattern(
                    strings(node.path("names"), where + ".names"),
                    node.has("arguments")
                            ? Optional.of(text(node.get("arguments"), where + ".arguments"))
                            : Optional.empty());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static Rule rule(JsonNode node, int index) {
        requireObject(node, "rules[" + index + "]");
        if (!node.path("id").isTextual() || node.path("id").asText().isBlank()) {
            throw new IllegalArgumentException("rules[" + index + "]: field 'id': every rule needs an id");
        }
        String id = node.get("id").asText();
        try {
            checkFields(node, RULE_FIELDS, "");
            String on = required(node, "on");
            Set<String> matchFields = MATCH_FIELDS.get(on);
            if (matchFields == null) {
                throw new IllegalArgumentException("field 'on': expected exec, file or connect, got '" + on + "'");
            }
            JsonNode match = node.path("match");
            if (match.isMissingNode()) {
                match = YAML.createObjectNode();
            }
            requireObject(match, "field 'match'");
            checkFields(match, matchFields, "match.", "on: " + on);
            return new Rule(
                    id,
                    node.has("description") ? text(node.get("description"), "description") : "",
                    technique(node.path("technique")),
                    effects(node.path("effect")),
                    condition(on, match),
                    node.has("step") ? Optional.of(text(node.get("step"), "step")) : Optional.empty());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(
                    message.startsWith("rule " + id + ":") ? message : "rule " + id + ": " + message, e);
        }
    }

    private static Technique technique(JsonNode node) {
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("field 'technique': every rule needs one: {id, name, tactic}");
        }
        requireObject(node, "field 'technique'");
        checkFields(node, TECHNIQUE_FIELDS, "technique.");
        String id = text(node.path("id"), "technique.id");
        if (!id.matches("T\\d{4}(\\.\\d{3})?")) {
            throw new IllegalArgumentException(
                    "field 'technique.id': expected an ATT&CK technique id such as T1003 or T1552.001, got '" + id
                            + "'");
        }
        return new Technique(
                id, text(node.path("name"), "technique.name"), tactic(text(node.path("tactic"), "technique.tactic")));
    }

    private static Tactic tactic(String text) {
        for (Tactic tactic : Tactic.values()) {
            if (tactic.label().equals(text.toLowerCase(Locale.ROOT))
                    || tactic.id().equalsIgnoreCase(text)) {
                return tactic;
            }
        }
        throw new IllegalArgumentException("field 'technique.tactic': unknown tactic '" + text + "'; expected one of "
                + Arrays.stream(Tactic.values()).map(Tactic::label).collect(Collectors.joining(", ")));
    }

    private static Set<Effect> effects(JsonNode node) {
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("field 'effect': give tag, seed or [seed, tag]");
        }
        List<String> names = node.isArray() ? strings(node, "effect") : List.of(text(node, "effect"));
        Set<Effect> effects = EnumSet.noneOf(Effect.class);
        for (String name : names) {
            effects.add(
                    switch (name) {
                        case "tag" -> Effect.TAG;
                        case "seed" -> Effect.SEED;
                        default ->
                            throw new IllegalArgumentException(
                                    "field 'effect': expected tag or seed, got '" + name + "'");
                    });
        }
        return effects;
    }

    private static Condition condition(String on, JsonNode match) {
        ProcessMatch process = new ProcessMatch(
                strings(match.path("names"), "match.names"),
                strings(match.path("not-names"), "match.not-names"),
                optionalBoolean(match, "in-container"));
        return switch (on) {
            case "exec" ->
                new Condition.Exec(
                        process,
                        optionalText(match, "arguments"),
                        optionalText(match, "command"),
                        optionalBoolean(match, "encoded-payload").orElse(false),
                        strings(match.path("parent-names"), "match.parent-names"),
                        optionalBoolean(match, "parent-serves-requests").orElse(false));
            case "file" ->
                new Condition.File(
                        process,
                        match.has("path")
                                ? text(match.get("path"), "match.path")
                                : missing("match.path", "a rule on file needs a path"),
                        access(match));
            default ->
                new Condition.Connect(
                        process,
                        ports(match.path("ports")),
                        optionalBoolean(match, "public-address"),
                        strings(match.path("addresses"), "match.addresses"));
        };
    }

    private static Condition.Access access(JsonNode match) {
        String access = optionalText(match, "access").orElse("any");
        for (Condition.Access value : Condition.Access.values()) {
            if (value.label().equals(access)) {
                return value;
            }
        }
        throw new IllegalArgumentException("field 'match.access': expected read, write or any, got '" + access + "'");
    }

    private static Set<Integer> ports(JsonNode node) {
        if (node.isMissingNode()) {
            return Set.of();
        }
        requireArray(node, "field 'match.ports'");
        Set<Integer> ports = new HashSet<>();
        for (JsonNode port : node) {
            if (!port.isInt() || port.asInt() < 1 || port.asInt() > 65535) {
                throw new IllegalArgumentException(
                        "field 'match.ports': expected port numbers 1-65535, got '" + port.asText() + "'");
            }
            ports.add(port.asInt());
        }
        return ports;
    }

    private static Optional<String> optionalText(JsonNode match, String field) {
        return match.has(field) ? Optional.of(text(match.get(field), "match." + field)) : Optional.empty();
    }

    private static Optional<Boolean> optionalBoolean(JsonNode match, String field) {
        if (!match.has(field)) {
            return Optional.empty();
        }
        JsonNode value = match.get(field);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(
                    "field 'match." + field + "': expected true or false, got '" + value.asText() + "'");
        }
        return Optional.of(value.booleanValue());
    }

    private static String required(JsonNode node, String field) {
        if (!node.has(field)) {
            return missing(field, "required");
        }
        return text(node.get(field), field);
    }

    private static String missing(String field, String why) {
        throw new IllegalArgumentException("field '" + field + "': " + why);
    }

    private static String text(JsonNode node, String field) {
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new IllegalArgumentException("field '" + field + "': expected text, got "
                    + (node.isMissingNode() ? "nothing" : "'" + node + "'")
                    + (node.isBoolean() ? " (quote it: YAML reads yes, no, on and off as true or false)" : ""));
        }
        return node.asText();
    }

    private static List<String> strings(JsonNode node, String field) {
        if (node.isMissingNode()) {
            return List.of();
        }
        requireArray(node, "field '" + field + "'");
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            values.add(value.isNumber() ? value.asText() : text(value, field));
        }
        return values;
    }

    private static void requireObject(JsonNode node, String what) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(what + ": expected a mapping, got '" + node + "'");
        }
    }

    private static void requireArray(JsonNode node, String what) {
        if (!node.isArray()) {
            throw new IllegalArgumentException(what + ": expected a list, got '" + node + "'");
        }
    }

    private static void checkFields(JsonNode node, Set<String> known, String prefix) {
        checkFields(node, known, prefix, "");
    }

    private static void checkFields(JsonNode node, Set<String> known, String prefix, String context) {
        for (String field : (Iterable<String>) node::fieldNames) {
            if (!known.contains(field)) {
                throw new IllegalArgumentException("field '" + prefix + field + "': unknown"
                        + (context.isEmpty() ? "" : " for " + context) + "; known fields are "
                        + known.stream().sorted().map(f -> prefix + f).collect(Collectors.joining(", ")));
            }
        }
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    /** One file as written: what it sets, before it is applied to a rule set. */
    private record Document(
            Map<String, List<String>> lists,
            Optional<List<ServerPattern>> servers,
            Optional<String> webScripts,
            List<Rule> rules) {

        RuleSet complete(String name) {
            try {
                return new RuleSet(
                        lists,
                        servers.orElseThrow(() -> new IllegalArgumentException("field 'servers': missing")),
                        webScripts.orElseThrow(() -> new IllegalArgumentException("field 'web-scripts': missing")),
                        rules);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }

        RuleSet applyTo(RuleSet base, String name) {
            try {
                RuleSet changed = base.withLists(lists);
                changed = servers.map(changed::withServers).orElse(changed);
                changed = webScripts.map(changed::withWebScripts).orElse(changed);
                return changed.withRules(rules);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
    }
}
