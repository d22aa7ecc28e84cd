package io.sightline.server.ingest;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How ingest runs besides the HTTP routes.
 *
 * @param tetragonFiles files Tetragon writes with {@code --export-filename}, followed with their
 *     rotations ({@code serve --tail-tetragon}, key {@code ingest.tail-tetragon})
 * @param tailPollInterval how often each tailed file is checked for new lines and rotation
 *     ({@code ingest.tail-poll-interval}); {@link Duration#ZERO} polls only when {@link
 *     TetragonTailer#pollOnce} is called, as tests do
 * @param idempotencyKeyTtl how long a request's {@code Idempotency-Key} is remembered
 *     ({@code ingest.idempotency-key-ttl})
 */
public record IngestConfig(List<Path> tetragonFiles, Duration tailPollInterval, Duration idempotencyKeyTtl) {

    public static final Duration DEFAULT_TAIL_POLL_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_IDEMPOTENCY_KEY_TTL = Duration.ofHours(24);
    public static final IngestConfig DEFAULTS =
            new IngestConfig(List.of(), DEFAULT_TAIL_POLL_INTERVAL, DEFAULT_IDEMPOTENCY_KEY_TTL);

    public IngestConfig {
        tetragonFiles = List.copyOf(tetragonFiles);
        requireNonNull(tailPollInterval, "tailPollInterval is null");
        requireNonNull(idempotencyKeyTtl, "idempotencyKeyTtl is null");
        if (tailPollInterval.isNegative()) {
            throw new IllegalArgumentException("tail poll interval must not be negative, got " + tailPollInterval);
        }
        if (idempotencyKeyTtl.isNegative() || idempotencyKeyTtl.isZero()) {
            throw new IllegalArgumentException("idempotency key TTL must be positive, got " + idempotencyKeyTtl);
        }
        if (tetragonFiles.stream()
                        .map(p -> p.toAbsolutePath().normalize())
                        .distinct()
                        .count()
                != tetragonFiles.size()) {
            throw new IllegalArgumentException("a file is given to --tail-tetragon more than once: " + tetragonFiles);
        }
    }

    public IngestConfig withTetragonFiles(List<Path> files) {
        return new IngestConfig(files, tailPollInterval, idempotencyKeyTtl);
    }

    public IngestConfig withTailPollInterval(Duration interval) {
        return new IngestConfig(tetragonFiles, interval, idempotencyKeyTtl);
    }

    public IngestConfig withIdempotencyKeyTtl(Duration ttl) {
        return new IngestConfig(tetragonFiles, tailPollInterval, ttl);
    }
}
