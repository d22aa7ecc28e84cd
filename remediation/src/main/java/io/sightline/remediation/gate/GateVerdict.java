package io.sightline.remediation.gate;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The gate's answer for one image: pass or fail, and every reason for a failure. */
public record GateVerdict(String image, ImageMatch match, List<String> reasons) {

    public static final int PASS = 0;
    public static final int FAIL = 1;

    public GateVerdict {
        requireNonNull(image, "image is null");
        requireNonNull(match, "match is null");
        reasons = List.copyOf(reasons);
    }

    public boolean passed() {
        return reasons.isEmpty();
    }

    public int exitCode() {
        return passed() ? PASS : FAIL;
    }

    /** One line for a pass; for a failure a headline and each reason on its own line. */
    public List<String> lines() {
        if (passed()) {
            return List.of("pass: " + image + " (" + match.describe() + "): no open storyboard implicates it and no"
                    + " finding is above the policy");
        }
        List<String> lines = new java.util.ArrayList<>();
        lines.add("FAIL: " + image + " (" + match.describe() + ")");
        reasons.forEach(reason -> lines.add("  " + reason));
        return List.copyOf(lines);
    }
}
