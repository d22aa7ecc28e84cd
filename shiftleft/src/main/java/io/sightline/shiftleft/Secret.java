package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a credential is found at use time: an environment variable or a file (a Kubernetes or
 * Docker secret mount). Only the place is stored in the account configuration, never the value,
 * and {@link #toString()} names the place only.
 */
public sealed interface Secret {

    /** A credential read from the environment variable {@code variable}. */
    record FromEnv(String variable) implements Secret {
        public FromEnv {
            requireNonNull(variable, "variable is null");
            if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("'" + variable + "' is not an environment variable name");
            }
        }

        @Override
        public String toString() {
            return "$" + variable;
        }
    }

    /** A credential read from the first line of {@code path}. */
    record FromFile(Path path) implements Secret {
        public FromFile {
            requireNonNull(path, "path is null");
            path = path.toAbsolutePath().normalize();
        }

        @Override
        public String toString() {
            return "file " + path;
        }
    }

    /**
     * The credential's value.
     *
     * @param env the environment ({@code System::getenv} outside tests)
     * @throws SecretUnavailableException when the variable is unset or empty or the file unreadable
     */
    default String resolve(Function<String, String> env) {
        return switch (this) {
            case FromEnv fromEnv -> {
                String value = env.apply(fromEnv.variable());
                if (value == null || value.isBlank()) {
                    throw new SecretUnavailableException(
                            "environment variable " + fromEnv.variable() + " is not set or empty");
                }
                yield value.strip();
            }
            case FromFile fromFile -> {
                try {
                    String value = Files.readString(fromFile.path(), StandardCharsets.UTF_8)
                            .lines()
                            .findFirst()
                            .orElse("")
                            .strip();
                    if (value.isEmpty()) {
                        throw new SecretUnavailableException("secret file " + fromFile.path() + " is empty");
                    }
                    yield value;
                } catch (IOException e) {
                    throw new SecretUnavailableException("cannot read secret file " + fromFile.path() + ": " + e);
                }
            }
        };
    }

    /** The credential could not be found where the account says it is. */
    final class SecretUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SecretUnavailableException(String message) {
            super(message);
        }
    }
}
