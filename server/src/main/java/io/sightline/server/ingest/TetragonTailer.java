package io.sightline.server.ingest;

import static java.util.Objects.requireNonNull;

import io.sightline.event.RuntimeEvent;
import io.sightline.server.live.EngineLoop;
import io.sightline.store.LogEntry;
import io.sightline.store.TailPosition;
import io.sightline.store.TailPositions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the file Tetragon writes with {@code --export-filename}: each complete line becomes an
 * entry of the {@code ingest/tetragon} stream, checked and named exactly as a line POSTed to
 * {@code /api/v1/ingest/tetragon}. A line that is not a usable Tetragon event is skipped, with a
 * warning naming the file and line, and its neighbours are kept.
 *
 * <p>Exactly once: the position after the last line taken (with the file's identity: its file
 * key, which is device and inode, and the SHA-256 of its first line) is written in the
 * transaction that logs the lines, so after a crash or restart reading resumes right after the
 * last logged line. A last line without its newline waits for it; only when the file has been
 * rotated away, and so will not grow again, is such a line taken as it is.
 *
 * <p>Rotation. Tetragon rotates (lumberjack) by renaming the file to a timestamped name and
 * creating a new one; logrotate renames to {@code FILE.1} or copies and truncates. A rename is
 * seen as the path having another file key: the old file is read to its end through the channel
 * already open (it may be gone by then, compressed away), then rotated files written after it,
 * then the new file from its start. A copy-truncate is seen as the file becoming shorter than the
 * position or its first line changing: the lines after the position are read from the copy (a
 * file next to it, named after it, with the same first line), then the file from its start. After
 * a restart the position is looked for in the file, then in the rotated files next to it.
 *
 * <p>Not done: rotated files that were compressed ({@code --export-file-compress}) before they were
 * read to the end, or copy-truncated lines written between the copy and the truncation, are lost;
 * a warning says so.
 *
 * <p>Thread safe: {@link #pollOnce} is synchronized; the server calls it from one thread.
 */
public final class TetragonTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TetragonTailer.class);
    private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_BATCH_LINES = 500;
    private static final Sensor SENSOR = Sensor.TETRAGON;

    private final Path path;
    private final String key;
    private final IngestService ingest;
    private final EngineLoop engine;
    private final TailPositions positions;
    private final int batchLines;
    private final Deque<Source> rotatedToRead = new ArrayDeque<>();
    private Optional<Source> current = Optional.empty();
    private boolean resumed;
    private long taken;
    private long skipped;

    public TetragonTailer(Path path, IngestService ingest, TailPositions positions) {
        this.path = requireNonNull(path, "path is null").toAbsolutePath().normalize();
        this.key = this.path.toString();
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.engine = ingest.engine();
        this.positions = requireNonNull(positions, "positions is null");
        this.batchLines = Math.min(MAX_BATCH_LINES, engine.capacity());
    }

    public Path path() {
        return path;
    }

    /** Lines logged and skipped since this tailer was made. */
    public synchronized Counts counts() {
        return new Counts(taken, skipped);
    }

    /**
     * Reads what was appended since the last call, follows a rotation, and logs every complete
     * line. Returns when the file has no complete line left, or when the engine is behind (the
     * rest is read on a later call).
     *
     * @return how many lines this call took (logged or skipped)
     * @throws IOException when the file exists but cannot be read; the position is unchanged
     */
    public synchronized long pollOnce() throws IOException {
        if (!resumed) {
            resume();
            resumed = true;
        }
        long before = taken + skipped;
        while (true) {
            if (current.isEmpty()) {
                if (!rotatedToRead.isEmpty()) {
                    current = Optional.of(rotatedToRead.poll());
                } else {
                    current = Source.open(path, path.toString(), 0, 0, false);
                    if (current.isEmpty()) {
                        return taken + skipped - before;
                    }
                }
            }
            Source source = current.get();
            Read read = readAvailable(source);
            if (read == Read.BEHIND) {
                return taken + skipped - before;
            }
            if (read == Read.TRUNCATED) {
                followTruncation(source);
                continue;
            }
            if (source.rotated) {
                LOG.info("Finished rotated file file={} lines={}", source.name, source.line);
                source.close();
                current = Optional.empty();
                continue;
            }
            Optional<BasicFileAttributes> now = attributes(path);
            if (now.isEmpty()) {
                // Renamed away and not created again yet: read the rest through the open channel.
                return taken + skipped - before;
            }
            String nowKey = fileKey(now.get());
            if (!nowKey.equals(source.fileKey)) {
                LOG.info("File rotated file={} oldFileKey={} newFileKey={}", path, source.fileKey, nowKey);
                source.rotated = true;
                source.name = path + " (rotated, " + source.fileKey + ")";
                rotatedSince(source.lastModified, Set.of(source.fileKey, nowKey))
                        .forEach(rotatedToRead::add);
                continue;
            }
            source.lastModified = now.get().lastModifiedTime();
            return taken + skipped - before;
        }
    }

    /** Reads the lines after the position from the copy a copy-truncate made, then the file from its start. */
    private void followTruncation(Source source) throws IOException {
        LOG.info("File truncated file={} offset={} size={}", path, source.offset, source.channel.size());
        Optional<Source> copy = findCopy(source);
        if (copy.isEmpty() && source.offset > 0) {
            LOG.warn(
                    "File was truncated and no copy of it was found file={} offset={}: lines written after"
                            + " the offset and before the truncation are lost; reading it from its start",
                    path,
                    source.offset);
        }
        copy.ifPresent(rotatedToRead::add);
        source.close();
        current = Optional.empty();
    }

    @Override
    public synchronized void close() {
        current.ifPresent(Source::close);
        rotatedToRead.forEach(Source::close);
        current = Optional.empty();
        rotatedToRead.clear();
    }

    /** Lines taken into the log and lines skipped as unusable. */
    public record Counts(long taken, long skipped) {}

    /** Finds where the last run stopped: in the file, in a rotated copy of it, or nowhere. */
    private void resume() throws IOException {
        Optional<TailPosition> saved = positions.find(key);
        if (saved.isEmpty()) {
            LOG.info("Tailing file={} from its start", path);
            return;
        }
        TailPosition position = saved.get();
        Optional<BasicFileAttributes> here = attributes(path);
        if (here.isPresent()
                && fileKey(here.get()).equals(position.fileKey())
                && here.get().size() >= position.offset()) {
            Optional<Source> same = Source.open(path, path.toString(), position.offset(), position.line(), false);
            if (same.isPresent()
                    && same.get().fileKey.equals(position.fileKey())
                    && same.get().head().equals(position.headHash())) {
                LOG.info("Tailing file={} from offset={} line={}", path, position.offset(), position.line());
                current = same;
                return;
            }
            same.ifPresent(Source::close);
        }
        Optional<Source> rotated = siblings().stream()
                .filter(s -> s.size >= position.offset())
                .sorted(Comparator.comparing((Sibling s) -> !s.fileKey.equals(position.fileKey())))
                .map(s -> openMatching(s, position))
                .flatMap(Optional::stream)
                .findFirst();
        if (rotated.isPresent()) {
            Source source = rotated.get();
            LOG.info(
                    "Tailing file={} from rotated file={} offset={} line={}",
                    path,
                    source.name,
                    position.offset(),
                    position.line());
            rotatedToRead.add(source);
            rotatedSince(
                            source.lastModified,
                            Set.of(
                                    source.fileKey,
                                    here.map(TetragonTailer::fileKey).orElse("")))
                    .forEach(rotatedToRead::add);
            return;
        }
        LOG.warn(
                "The file last read was not found file={} fileKey={} offset={} line={}: it was rotated away or"
                        + " compressed; lines after that offset are lost; reading the current file from its start",
                path,
                position.fileKey(),
                position.offset(),
                position.line());
    }

    private Optional<Source> openMatching(Sibling sibling, TailPosition position) {
        try {
            Optional<Source> source =
                    Source.open(sibling.path, sibling.path.toString(), position.offset(), position.line(), true);
            if (source.isPresent() && source.get().head().equals(position.headHash())) {
                return source;
            }
            source.ifPresent(Source::close);
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("Cannot read rotated file={} cause={}", sibling.path, e.getMessage());
            return Optional.empty();
        }
    }

    /** The copy a copy-truncate made: a rotated file with the same first line, longer than the position. */
    private Optional<Source> findCopy(Source truncated) throws IOException {
        if (truncated.offset == 0) {
            return Optional.empty();
        }
        TailPosition position =
                new TailPosition(key, truncated.fileKey, truncated.head(), truncated.offset, truncated.line);
        return siblings().stream()
                .filter(s -> !s.fileKey.equals(truncated.fileKey) && s.size >= truncated.offset)
                .map(s -> openMatching(s, position))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /**
     * Rotated files written after {@code since} (read in full, oldest first): files rotated away
     * between two polls, or while the server was down.
     */
    private List<Source> rotatedSince(FileTime since, Set<String> excludedKeys) throws IOException {
        List<Source> later = new ArrayList<>();
        for (Sibling sibling : siblings()) {
            if (sibling.modified.compareTo(since) > 0 && !excludedKeys.contains(sibling.fileKey)) {
                Source.open(sibling.path, sibling.path.toString(), 0, 0, true).ifPresent(later::add);
            }
        }
        later.sort(Comparator.comparing(s -> s.lastModified));
        return later;
    }

    /**
     * The names rotation gives {@code name}: lumberjack's (Tetragon's) {@code
     * tetragon-2024-11-14T09-00-00.000.log}, logrotate's {@code tetragon.log.1} and {@code
     * tetragon.log-20241114}. Compressed ones are left out, as they cannot be followed. The
     * pattern is narrow on purpose, so that another tailed file in the same folder is never taken
     * for a rotated one.
     */
    static Pattern rotatedNames(String name) {
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        return Pattern.compile(Pattern.quote(stem) + "-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(\\.\\d+)?"
                + Pattern.quote(extension)
                + "|" + Pattern.quote(name) + "(\\.\\d+|-\\d{8,14})");
    }

    /** Files next to the tailed one with a rotated name ({@link #rotatedNames}). */
    private List<Sibling> siblings() throws IOException {
        Pattern rotatedName = rotatedNames(path.getFileName().toString());
        List<Sibling> found = new ArrayList<>();
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!rotatedName.matcher(entry.getFileName().toString()).matches()) {
                    continue;
                }
                attributes(entry)
                        .filter(BasicFileAttributes::isRegularFile)
                        .ifPresent(a -> found.add(new Sibling(entry, fileKey(a), a.size(), a.lastModifiedTime())));
            }
        }
        return found;
    }

    /**
     * Whether the file under the open channel was truncated since the position was taken: it is
     * shorter than the position, or its first line changed (truncated and written past the
     * position again). A rotated file no longer changes.
     */
    private static boolean truncated(Source source, long end) throws IOException {
        if (source.rotated) {
            return false;
        }
        if (source.channel.size() < Math.max(source.offset, end)) {
            return true;
        }
        return !source.headHash.isEmpty() && !Source.headOf(source.channel).equals(source.headHash);
    }

    /**
     * Logs the complete lines after the source's offset, a batch per transaction. The file is
     * checked for a truncation after the lines are read and before they are logged, so that lines
     * read from a file rewritten under the channel are never logged.
     */
    private Read readAvailable(Source source) throws IOException {
        while (true) {
            if (truncated(source, source.offset)) {
                return Read.TRUNCATED;
            }
            List<Line> lines = source.readLines(batchLines, source.rotated);
            if (lines.isEmpty()) {
                return Read.CAUGHT_UP;
            }
            if (truncated(source, lines.getLast().end())) {
                return Read.TRUNCATED;
            }
            if (!commit(source, lines)) {
                return Read.BEHIND;
            }
        }
    }

    private enum Read {
        CAUGHT_UP,
        BEHIND,
        TRUNCATED
    }

    private boolean commit(Source source, List<Line> lines) throws IOException {
        List<LogEntry.Pending> pending = new ArrayList<>();
        List<List<RuntimeEvent>> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Line line : lines) {
            Optional<String> problem = line.problem();
            if (problem.isEmpty()) {
                for (BodyRecords.Taken record : BodyRecords.read(SENSOR, line.text())) {
                    switch (record.checked()) {
                        case IngestService.Checked.Refused refused -> problem = Optional.of(refused.reason());
                        case IngestService.Checked.Mapped mapped -> {
                            pending.add(new LogEntry.Pending(
                                    SENSOR.stream(), LogEntry.Kind.TELEMETRY, SENSOR.stream(), record.json()));
                            events.add(mapped.events());
                        }
                    }
                }
            }
            problem.ifPresent(reason -> problems.add(source.name + " line " + line.number() + ": " + reason));
        }
        Line last = lines.getLast();
        TailPosition position = new TailPosition(key, source.fileKey, source.head(), last.end(), last.number());
        try {
            engine.submitMapped(pending, events, TailPositions.save(position));
        } catch (EngineLoop.QueueFullException e) {
            LOG.debug("Engine behind; tailing waits file={} offset={}", source.name, source.offset);
            return false;
        }
        problems.forEach(problem -> LOG.warn("Skipped tailed Tetragon line {}; line skipped", problem));
        source.offset = last.end();
        source.line = last.number();
        taken += lines.size() - problems.size();
        skipped += problems.size();
        ingest.counted(SENSOR.stream(), pending.size(), problems.size());
        return true;
    }

    private static Optional<BasicFileAttributes> attributes(Path file) throws IOException {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static String fileKey(BasicFileAttributes attributes) {
        Object fileKey = attributes.fileKey();
        return fileKey == null ? "" : fileKey.toString();
    }

    /** A complete line: its number in its file, its text, the offset after its newline. */
    private record Line(long number, String text, long end, Optional<String> problem) {}

    private record Sibling(Path path, String fileKey, long size, FileTime modified) {}

    /** One open file being read: the tailed file, or a rotated one being read to its end. */
    private static final class Source {

        private final FileChannel channel;
        private final String fileKey;
        private String name;
        private String headHash = "";
        private long offset;
        private long line;
        private boolean rotated;
        private FileTime lastModified;

        private Source(FileChannel channel, String fileKey, String name, long offset, long line, FileTime modified) {
            this.channel = channel;
            this.fileKey = fileKey;
            this.name = name;
            this.offset = offset;
            this.line = line;
            this.lastModified = modified;
        }

        /**
         * Opens {@code file} if it exists. The file key is read before and after opening and must
         * agree, so that it is the key of the file the channel reads even while a rotation renames.
         */
        static Optional<Source> open(Path file, String name, long offset, long line, boolean rotated)
                throws IOException {
            for (int attempt = 0; attempt < 3; attempt++) {
                Optional<BasicFileAttributes> before = attributes(file);
                if (before.isEmpty()) {
                    return Optional.empty();
                }
                FileChannel channel;
                try {
                    channel = FileChannel.open(file, StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
                Optional<BasicFileAttributes> after = attributes(file);
                if (after.isPresent() && fileKey(after.get()).equals(fileKey(before.get()))) {
                    Source source = new Source(
                            channel,
                            fileKey(after.get()),
                            name,
                            offset,
                            line,
                            after.get().lastModifiedTime());
                    source.rotated = rotated;
                    return Optional.of(source);
                }
                channel.close();
            }
            throw new IOException("cannot open " + file + ": it was replaced three times while being opened");
        }

        /** The SHA-256 of the first line, known once the file has one. */
        String head() throws IOException {
            if (headHash.isEmpty()) {
                headHash = headOf(channel);
            }
            return headHash;
        }

        /** Hex SHA-256 of the bytes up to and including the first newline, or of all when there is none. */
        static String headOf(FileChannel channel) throws IOException {
            MessageDigest digest = sha256();
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
            long at = 0;
            while (at < MAX_LINE_BYTES) {
                buffer.clear();
                int n = channel.read(buffer, at);
                if (n <= 0) {
                    break;
                }
                byte[] bytes = buffer.array();
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        digest.update(bytes, 0, i + 1);
                        return HexFormat.of().formatHex(digest.digest());
                    }
                }
                digest.update(bytes, 0, n);
                at += n;
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        /**
         * Up to {@code max} complete lines after the offset, without moving it. With {@code
         * finalRead} the file will not grow again, and a last line without a newline is taken too.
         */
        List<Line> readLines(int max, boolean finalRead) throws IOException {
            List<Line> lines = new ArrayList<>();
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            boolean oversized = false;
            long at = offset;
            long number = line;
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
            while (lines.size() < max) {
                buffer.clear();
                int n = channel.read(buffer, at);
                if (n <= 0) {
                    break;
                }
                byte[] bytes = buffer.array();
                int start = 0;
                for (int i = 0; i < n && lines.size() < max; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    oversized = append(current, bytes, start, i - start, oversized);
                    lines.add(line(++number, current, at + i + 1, oversized));
                    current.reset();
                    oversized = false;
                    start = i + 1;
                }
                if (lines.size() >= max) {
                    break;
                }
                oversized = append(current, bytes, start, n - start, oversized);
                at += n;
            }
            if (finalRead && lines.size() < max && (current.size() > 0 || oversized)) {
                lines.add(line(++number, current, at, oversized));
            }
            return lines;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing tailed file failed file={} cause={}", name, e.getMessage());
            }
        }

        private static boolean append(ByteArrayOutputStream current, byte[] bytes, int from, int length, boolean over) {
            if (over || current.size() + length > MAX_LINE_BYTES) {
                current.reset();
                return true;
            }
            current.write(bytes, from, length);
            return false;
        }

        private static Line line(long number, ByteArrayOutputStream bytes, long end, boolean oversized) {
            if (oversized) {
                return new Line(number, "", end, Optional.of("longer than " + MAX_LINE_BYTES / (1024 * 1024) + " MiB"));
            }
            String text = bytes.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            return new Line(number, text, end, Optional.empty());
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }
    }
}
