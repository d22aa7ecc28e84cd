package io.sightline.event;

import static java.util.Objects.requireNonNull;

/**
 * Where a record came from: a file (relative to the analysed folder, or a stream name) and its
 * 1-based line. Storyboards keep these as evidence so an analyst can get back to the raw record.
 */
public record SourceRecord(String file, int line) implements Comparable<SourceRecord> {

    public SourceRecord {
        requireNonNull(file, "file is null");
        if (line < 1) {
            throw new IllegalArgumentException("line must be 1 or more, got " + line);
        }
    }

    @Override
    public int compareTo(SourceRecord other) {
        int byFile = file == other.file ? 0 : file.compareTo(other.file);
        return byFile != 0 ? byFile : Integer.compare(line, other.line);
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
