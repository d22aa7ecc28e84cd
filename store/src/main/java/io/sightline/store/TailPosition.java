package io.sightline.store;

import static java.util.Objects.requireNonNull;

/**
 * How far a tailed file has been logged.
 *
 * @param path the file as configured ({@code --tail-tetragon FILE}); the key
 * @param fileKey the file system's identity of the file the offset is in (device and inode), which
 *     may by now be a rotated copy; empty where the file system has none
 * @param headHash hex SHA-256 of that file's first line, newline included: with {@code fileKey} it
 *     tells a file from another that reused its inode or its name
 * @param offset byte offset just after the last logged line
 * @param line how many lines of that file lie before {@code offset}
 */
public record TailPosition(String path, String fileKey, String headHash, long offset, long line) {

    public TailPosition {
        requireNonNull(path, "path is null");
        requireNonNull(fileKey, "fileKey is null");
        requireNonNull(headHash, "headHash is null");
        if (offset < 0 || line < 0) {
            throw new IllegalArgumentException("offset and line must not be negative, got " + offset + " and " + line);
        }
    }
}
