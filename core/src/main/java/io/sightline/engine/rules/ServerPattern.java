package io.sightline.engine.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Processes that serve requests even when no sensor reported them accepting a connection: auditd
 * reports execs only and Sysmon for Linux no inbound connections in its default configuration.
 *
 * @param names the process is one of these (names as in {@link ProcessMatch})
 * @param arguments present: searched for in the process's arguments as well
 */
public record ServerPattern(List<String> names, Optional<String> arguments) {

    public ServerPattern {
        names = List.copyOf(requireNonNull(names, "names is null"));
        requireNonNull(arguments, "arguments is null");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("field 'names': a server pattern needs at least one name");
        }
        arguments.ifPresent(regex -> {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "field 'arguments': not a regular expression (" + e.getDescription() + ") in " + regex, e);
            }
        });
    }
}
