package io.sightline.cli;

/**
 * Text for a terminal from what sensors reported: command lines, file names and alert text are
 * an attacker's to choose, and a control character printed raw can retitle the window, clear the
 * screen or recolour what follows; a bidirectional override can make a command read backwards.
 * Each such character is written as its Unicode escape instead; line breaks (LF, CR LF) and tabs
 * stay.
 */
final class TerminalText {

    private TerminalText() {}

    static String escape(String text) {
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineEnd = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
            if (unsafe(c) && !lineEnd) {
                if (escaped == null) {
                    escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                escaped.append(String.format("\\u%04x", (int) c));
            } else if (escaped != null) {
                escaped.append(c);
            }
        }
        return escaped == null ? text : escaped.toString();
    }

    /** C0 and C1 controls but line breaks and tabs, DEL, and the bidirectional embeddings, overrides and isolates. */
    private static boolean unsafe(char c) {
        if (c == '\n' || c == '\t') {
            return false;
        }
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e
                || c == 0x200f
                || c == 0x061c;
    }
}
