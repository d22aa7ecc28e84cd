package io.sightline.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * The label of each command line seen lately, credentials masked and cut to fit a trail (see
 * {@link ProcessNode#label}). Masking runs a dozen regular expressions, and the processes of a
 * storyboard run the same few commands again and again (a health check every few seconds), so
 * a label is worked out once per command line rather than once per process.
 *
 * <p>Bounded: when it holds {@link #CAPACITY} labels it starts again empty. One per engine, on
 * the engine's thread.
 */
final class CommandLabels {

    private static final int CAPACITY = 512;
    private static final int LONGEST = 90;
    /**
     * How much of a command line is masked: a label shows 87 characters, so only a credential
     * that starts there can show, and one longer than this is unheard of. Masking all of a
     * command line of megabytes (an attacker's choice) would stall the engine.
     */
    private static final int MASKED = 4096;

    private final Map<String, String> labels = new HashMap<>();

    /** {@code shown} and its {@code arguments} as a trail shows them. */
    String of(String shown, String arguments) {
        if (arguments.isEmpty()) {
            return shorten(shown);
        }
        String command = shown + " " + arguments;
        String label = labels.get(command);
        if (label == null) {
            if (labels.size() == CAPACITY) {
                labels.clear();
            }
            label = masked(command, LONGEST);
            labels.put(command, label);
        }
        return label;
    }

    /**
     * A command as a trail shows it: credentials masked in its first {@link #MASKED} characters,
     * cut to {@code longest} with an ellipsis.
     */
    static String masked(String command, int longest) {
        return shorten(Redaction.mask(command.length() > MASKED ? command.substring(0, MASKED) : command), longest);
    }

    private static String shorten(String text) {
        return shorten(text, LONGEST);
    }

    private static String shorten(String text, int longest) {
        return text.length() > longest ? text.substring(0, longest - 3) + "..." : text;
    }
}
