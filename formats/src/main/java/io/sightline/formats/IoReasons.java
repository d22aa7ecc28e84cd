package io.sightline.formats;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.Optional;

/**
 * Says why an I/O operation failed in words a user reads: NIO exceptions carry only the path in
 * {@link Throwable#getMessage()}, so the reason comes from their type or {@link
 * FileSystemException#getReason()}.
 */
public final class IoReasons {

    private IoReasons() {}

    /** The reason alone, lower case and without the path: {@code permission denied}. */
    public static String of(IOException e) {
        return switch (e) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or folder";
            case NotDirectoryException notFolder -> "not a folder";
            case FileAlreadyExistsException exists -> "already exists";
            case DirectoryNotEmptyException notEmpty -> "folder not empty";
            case FileSystemLoopException loop -> "symbolic link loop";
            case FileSystemException fs ->
                Optional.ofNullable(fs.getReason())
                        .map(IoReasons::lower)
                        .orElse(fs.getClass().getSimpleName());
            case HttpConnectTimeoutException timeout -> "connection timed out";
            case ConnectException refused -> "connection refused";
            case UnknownHostException unknown -> "unknown host " + unknown.getMessage();
            // java.net.http's words for a peer that closed the connection before answering
            case IOException closed
            when String.valueOf(closed.getMessage()).endsWith("header parser received no bytes") ->
                "the connection closed before an answer came";
            default ->
                Optional.ofNullable(e.getMessage())
                        .filter(m -> !m.isBlank())
                        .map(IoReasons::lower)
                        .orElse(e.getClass().getSimpleName());
        };
    }

    private static String lower(String reason) {
        // "Is a directory" reads as a reason after a colon; "HTTP/1.1 header ..." keeps its case
        boolean word = reason.length() > 1 && Character.isLowerCase(reason.charAt(1));
        return word ? reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1) : reason;
    }
}
