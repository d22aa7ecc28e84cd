package io.sightline.engine.rules;

import static java.util.Objects.requireNonNull;

import io.sightline.engine.Technique;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One behaviour: when a process does what {@link #when()} describes, the rule's {@link
 * #effects()} apply with its ATT&CK technique.
 *
 * @param id stable name; a user rule with the id of a built-in rule replaces it
 * @param step a line for the storyboard's trail when the rule matches, with placeholders {@code
 *     {process}}, {@code {path}}, {@code {remote}} and {@code {command}}
 */
public record Rule(
        String id,
        String description,
        Technique technique,
        Set<Effect> effects,
        Condition when,
        Optional<String> step) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]*)}");

    public Rule {
        requireNonNull(id, "id is null");
        requireNonNull(description, "description is null");
        requireNonNull(technique, "technique is null");
        requireNonNull(effects, "effects is null");
        requireNonNull(when, "when is null");
        requireNonNull(step, "step is null");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "rule '" + id + "': field 'id': letters, digits, '.', '_' and '-' only, got '" + id + "'");
        }
        if (effects.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + ": field 'effect': give tag, seed or both");
        }
        effects = Set.copyOf(EnumSet.copyOf(effects));
        step.ifPresent(text -> checkPlaceholders(id, text, when));
    }

    private static void checkPlaceholders(String id, String step, Condition when) {
        Set<String> allowed = switch (when) {
            case Condition.Exec exec -> Set.of("process", "command");
            case Condition.File file -> Set.of("process", "path");
            case Condition.Connect connect -> Set.of("process", "remote");
        };
        Matcher placeholder = PLACEHOLDER.matcher(step);
        while (placeholder.find()) {
            if (!allowed.contains(placeholder.group(1))) {
                throw new IllegalArgumentException("rule " + id + ": field 'step': {" + placeholder.group(1)
                        + "} is no placeholder of a rule on " + when.on() + "; use "
                        + allowed.stream().sorted().map(p -> "{" + p + "}").toList());
            }
        }
    }

    public static Rule tag(String id, String description, Technique technique, Condition when) {
        return new Rule(id, description, technique, Set.of(Effect.TAG), when, Optional.empty());
    }

    public static Rule seed(String id, String description, Technique technique, Condition when) {
        return new Rule(id, description, technique, Set.of(Effect.SEED), when, Optional.empty());
    }

    public Rule withEffects(Effect... effects) {
        return new Rule(id, description, technique, Set.of(effects), when, step);
    }

    public Rule withStep(String step) {
        return new Rule(id, description, technique, effects, when, Optional.of(step));
    }

    public boolean tags() {
        return effects.contains(Effect.TAG);
    }

    public boolean seeds() {
        return effects.contains(Effect.SEED);
    }
}
