package io.sightline.engine.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a rule matches: one kind per event a rule can be {@code on}. Every condition given must
 * hold. Regular expressions are Java's; argument and command expressions are searched for
 * anywhere in the text, path expressions must match the whole path.
 */
public sealed interface Condition {

    ProcessMatch process();

    /** The {@code on} value that selects this kind in a rule file. */
    String on();

    /**
     * A process starting.
     *
     * @param arguments searched for in the process's arguments
     * @param command searched for in the command the process runs: the text its arguments decode
     *     to when they carry a base64 payload, else the arguments
     * @param encodedPayload the arguments carry a base64 payload that decodes to printable text
     * @param parentNames the parent is one of these (names as in {@link ProcessMatch})
     * @param parentServesRequests the parent serves requests: it accepted a connection or matches
     *     one of the rule set's servers, and it is no login service
     */
    record Exec(
            ProcessMatch process,
            Optional<String> arguments,
            Optional<String> command,
            boolean encodedPayload,
            List<String> parentNames,
            boolean parentServesRequests)
            implements Condition {

        public Exec {
            requireNonNull(process, "process is null");
            checkRegex("match.arguments", requireNonNull(arguments, "arguments is null"));
            checkRegex("match.command", requireNonNull(command, "command is null"));
            parentNames = List.copyOf(requireNonNull(parentNames, "parentNames is null"));
        }

        public static Exec of(ProcessMatch process) {
            return new Exec(process, Optional.empty(), Optional.empty(), false, List.of(), false);
        }

        public Exec withArguments(String regex) {
            return new Exec(process, Optional.of(regex), command, encodedPayload, parentNames, parentServesRequests);
        }

        public Exec withCommand(String regex) {
            return new Exec(process, arguments, Optional.of(regex), encodedPayload, parentNames, parentServesRequests);
        }

        public Exec withEncodedPayload() {
            return new Exec(process, arguments, command, true, parentNames, parentServesRequests);
        }

        @Override
        public String on() {
            return "exec";
        }
    }

    /**
     * A process opening a file.
     *
     * @param path must match the whole path
     * @param access which accesses count
     */
    record File(ProcessMatch process, String path, Access access) implements Condition {

        public File {
            requireNonNull(process, "process is null");
            checkRegex("match.path", Optional.of(requireNonNull(path, "path is null")));
            requireNonNull(access, "access is null");
        }

        @Override
        public String on() {
            return "file";
        }
    }

    /**
     * A process connecting out.
     *
     * @param ports the remote port is one of these; empty means any port
     * @param publicAddress present: the remote address is public (true) or not (false); public is
     *     unicast outside the private, loopback, link-local and carrier-grade NAT ranges
     * @param addresses the remote address is one of these (or of an {@code @list}); empty means any
     */
    record Connect(ProcessMatch process, Set<Integer> ports, Optional<Boolean> publicAddress, List<String> addresses)
            implements Condition {

        public Connect {
            requireNonNull(process, "process is null");
            ports = Set.copyOf(requireNonNull(ports, "ports is null"));
            requireNonNull(publicAddress, "publicAddress is null");
            addresses = List.copyOf(requireNonNull(addresses, "addresses is null"));
            for (int port : ports) {
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException(
                            "field 'match.ports': " + port + " is no TCP/UDP port (1-65535)");
                }
            }
        }

        @Override
        public String on() {
            return "connect";
        }
    }

    /** Which file accesses a file condition counts. */
    enum Access {
        READ,
        WRITE,
        ANY;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static void checkRegex(String field, Optional<String> regex) {
        regex.ifPresent(text -> {
            try {
                Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "field '" + field + "': not a regular expression (" + e.getDescription() + " near index "
                                + e.getIndex() + ") in " + text,
                        e);
            }
        });
    }
}
