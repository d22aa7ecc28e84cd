package io.sightline.engine;

import java.util.regex.Pattern;

/**
 * Masks credentials in command lines before they reach a storyboard or a remediation plan: attackers pass stolen
 * tokens on the command line, and a storyboard is shown, exported and stored.
 */
public final class Redaction {

    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|aws_secret_access_key)[=:]\\s*)"
                    + "[^\\s\"'&]{4,}");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]+");

    private Redaction() {}

    public static String mask(String text) {
        String masked = BEARER.matcher(text).replaceAll("$1<redacted>");
        masked = ASSIGNMENT.matcher(masked).replaceAll("$1<redacted>");
        return JWT.matcher(masked).replaceAll("<redacted-jwt>");
    }
}
