package io.sightline.event;

import static java.util.Objects.requireNonNull;

/**
 * A record that could not be read, with the reason naming the field or the syntax error. Line 0
 * stands for the whole file, or a part of a document that has no line of its own.
 */
public record SkippedRecord(String file, int line, String reason) {

    public SkippedRecord {
        requireNonNull(file, "file is null");
        requireNonNull(reason, "reason is null");
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }
}
