package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.formats.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Syslog records as a log workspace exports them (Azure Monitor's {@code Syslog} table: {@code
 * SyslogMessage}, {@code Computer}, {@code HostName}), and command lines as sensors write them.
 */
final class SyslogRecords {

    private SyslogRecords() {}

    /** The raw message a sensor wrote to syslog. */
    static Optional<String> message(JsonNode record) {
        return record.isObject() ? Fields.text(record, "SyslogMessage") : Optional.empty();
    }

    /** The host the workspace says sent the record. */
    static Optional<String> host(JsonNode record) {
        return Fields.text(record, "Computer").or(() -> Fields.text(record, "HostName"));
    }

    /**
     * Splits a command line the way bash would read it: blanks separate words, and double quotes
     * (with {@code \"}, {@code \\}, {@code \$} and {@code \`} escapes), single quotes and {@code
     * $'…'} group. AUOMS writes each argument this way (its {@code bash_escape_string}).
     */
    static List<String> words(String commandLine) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < commandLine.length()) {
            char c = commandLine.charAt(i);
            if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            if (c == '"') {
                i = doubleQuoted(commandLine, i + 1, word);
            } else if (c == '\'') {
                int end = commandLine.indexOf('\'', i + 1);
                int stop = end < 0 ? commandLine.length() : end;
                word.append(commandLine, i + 1, stop);
                i = stop + 1;
            } else if (c == '$' && i + 1 < commandLine.length() && commandLine.charAt(i + 1) == '\'') {
                i = ansiQuoted(commandLine, i + 2, word);
            } else if (c == '\\' && i + 1 < commandLine.length()) {
                word.append(commandLine.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * The arguments after the program: each word, quoted in double quotes when it holds a blank,
     * as Tetragon writes {@code arguments}.
     */
    static String arguments(List<String> words) {
        return String.join(
                " ",
                words.stream()
                        .skip(1)
                        .map(word -> word.contains(" ") || word.contains("\t") ? "\"" + word + "\"" : word)
                        .toList());
    }

    /**
     * The arguments of a command line that carries no quoting (Sysmon's {@code CommandLine}, a
     * {@code proctitle}): everything after the first word, as written.
     */
    static String rawArguments(String commandLine) {
        String line = commandLine.strip();
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).strip();
    }

    private static int doubleQuoted(String text, int from, StringBuilder word) {
        int i = from;
        while (i < text.length() && text.charAt(i) != '"') {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                word.append(text.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        return i + 1;
    }

    private static int ansiQuoted(String text, int from, StringBuilder word) {
        int i = from;
        while (i < text.length() && text.charAt(i) != '\'') {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == 'x' && i + 3 < text.length()) {
                    try {
                        word.append((char) Integer.parseInt(text.substring(i + 2, i + 4), 16));
                        i += 4;
                        continue;
                    } catch (NumberFormatException notHex) {
                        // Kept as written below.
                    }
                }
                word.append(
                        switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> next;
                        });
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        return i + 1;
    }
}
