package io.sightline.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/** Jackson's parse errors worded for a user, who cannot act on Jackson's own settings. */
public final class JsonErrors {

    /** Within a sentence: "from `StreamReadConstraints...`", "enable `JsonReadFeature...` to allow". */
    private static final Pattern LIBRARY_SETTING = Pattern.compile(",? from `[^`]*`|: enable `[^`]*` to allow");

    /**
     * An aside naming a setting or the input source: "(not recognized as one since Feature
     * 'ALLOW_COMMENTS' not enabled for parser)", "([Source: REDACTED (`StreamReadFeature...`
     * disabled); line: 10, column: 15])".
     */
    private static final Pattern LIBRARY_ASIDE =
            Pattern.compile(" ?\\((?:[^()]|\\([^()]*\\))*(?:Feature|`|\\[Source:)(?:[^()]|\\([^()]*\\))*\\)");

    private JsonErrors() {}

    /**
     * The first line of Jackson's message, without the source location it appends, which names
     * no useful source here, and without its advice on its own settings.
     */
    public static String describe(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        int newline = message.indexOf('\n');
        String firstLine = newline >= 0 ? message.substring(0, newline) : message;
        if (firstLine.startsWith("Trailing token")) {
            return "another JSON value follows the first on the same line";
        }
        int marker = firstLine.indexOf(" (start marker at");
        String described = (marker >= 0 ? firstLine.substring(0, marker) : firstLine).strip();
        String withoutSettings = LIBRARY_SETTING.matcher(described).replaceAll("");
        return LIBRARY_ASIDE.matcher(withoutSettings).replaceAll("");
    }
}
