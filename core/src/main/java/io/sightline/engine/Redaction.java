package io.sightline.engine;

import java.util.regex.Pattern;

/**
 * Masks credentials in command lines before they reach a storyboard or a remediation plan: attackers pass stolen
 * tokens on the command line, and a storyboard is shown, exported and stored.
 *
 * <p>What is masked: HTTP {@code Bearer}, {@code token} and {@code Basic} credentials; the first cookie of
 * {@code Cookie:} and of curl's {@code -b}/{@code --cookie}; {@code name=value} and {@code name: value} for
 * password, secret, token and key names, and the same names as options ({@code --password hunter2}), quoted or
 * not; the password of {@code user:password} after curl's and wget's {@code -u}/{@code --user}, of a URL's
 * {@code user:password@}, of MySQL clients' {@code -pPASSWORD}, of {@code sshpass -p}, {@code redis-cli -a} and
 * {@code docker login -p}; and JSON Web Tokens anywhere. The name and the user are kept, so an analyst still sees
 * which credential was used.
 */
public final class Redaction {

    private static final String MASK = "<redacted>";

    private static final Pattern BEARER = Pattern.compile("(?i)((?:bearer|token)\\s+)[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern BASIC = Pattern.compile("(?i)(basic\\s+)[A-Za-z0-9+/=]{8,}");
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|aws_secret_access_key)[=:]\\s*)"
                    + "[^\\s\"'&]{4,}");
    private static final Pattern OPTION = Pattern.compile(
            "(?i)((?<![\\w-])--?(?:password|passwd|pass|secret|client-secret|token|auth-token|api-key|apikey"
                    + "|access-key|secret-key)\\s+)[^\\s\"'&|;-][^\\s\"'&|;]{2,}");
    /** A password, secret or token option whose value is quoted: {@code --password 'x'}, {@code password="x"}. */
    private static final Pattern QUOTED = Pattern.compile(
            "(?i)((?<![\\w-])-{0,2}(?:password|passwd|pass|pwd|secret|client-secret|token|auth-token|api[_-]?key"
                    + "|access[_-]?key)(?:\\s+|\\s*[=:]\\s*)([\"']))[^\"'\\s][^\"']*(?=\\2)");

    private static final Pattern COOKIE =
            Pattern.compile("(?i)((?:cookie:\\s*|(?<![\\w-])(?:-b|--cookie)\\s+[\"']?)[^=;\\s\"']+=)[^;\\s\"']+");
    private static final Pattern USER_PASSWORD =
            Pattern.compile("((?<![\\w-])(?:-u|--user)(?:\\s+|=)[^\\s:\"']+:)[^\\s\"']+");
    // A scheme starts where no scheme character stands before it: tried from inside a long run of
    // letters, the search would scan the run again from every position (quadratic in the text).
    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://[^\\s:/@\"']+:)[^\\s@/\"']+@");
    private static final Pattern MYSQL_PASSWORD =
            Pattern.compile("(?i)(\\b(?:mysql|mysqldump|mysqladmin|mariadb)\\b[^|;&]*?\\s-p['\"]?)[^\\s\"']+");
    private static final Pattern REDIS_PASSWORD = Pattern.compile("(\\bredis-cli\\b[^|;&]*?\\s-a\\s+)[^\\s\"']+");
    private static final Pattern LOGIN_PASSWORD = Pattern.compile(
            "(\\b(?:docker|podman|helm|skopeo)\\s+(?:registry\\s+)?login\\b[^|;&]*?\\s-p\\s+)[^\\s\"']+");
    private static final Pattern SSHPASS = Pattern.compile("(\\bsshpass\\s+-p\\s*)[^\\s\"']+");
    private static final Pattern JWT =
            Pattern.compile("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]+");

    private Redaction() {}

    public static String mask(String text) {
        String masked = BEARER.matcher(text).replaceAll("$1" + MASK);
        masked = BASIC.matcher(masked).replaceAll("$1" + MASK);
        masked = ASSIGNMENT.matcher(masked).replaceAll("$1" + MASK);
        masked = OPTION.matcher(masked).replaceAll("$1" + MASK);
        masked = QUOTED.matcher(masked).replaceAll("$1" + MASK);
        masked = COOKIE.matcher(masked).replaceAll("$1" + MASK);
        masked = USER_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
        masked = URL_PASSWORD.matcher(masked).replaceAll("$1" + MASK + "@");
        masked = MYSQL_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
        masked = SSHPASS.matcher(masked).replaceAll("$1" + MASK);
        masked = REDIS_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
        masked = LOGIN_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
        return JWT.matcher(masked).replaceAll("<redacted-jwt>");
    }
}
