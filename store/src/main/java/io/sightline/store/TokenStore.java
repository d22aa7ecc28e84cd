package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * API tokens. A token reads {@code sl_<id>_<secret>}: the id finds the row, the secret is checked
 * against a salted SHA-256 kept in the store; the secret itself is never stored or logged. The
 * secret has 256 random bits, so a fast hash is enough (no password stretching is needed).
 *
 * <p>Thread safe. Rows are cached by id for {@link #CACHE_LIFETIME}; a token created by another
 * process (the CLI) is found on first use, and one revoked by another process stops working once
 * its cached row expires.
 */
public final class TokenStore {

    private static final String PREFIX = "sl_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    /** How long a verified row is trusted before the store is asked again. */
    public static final Duration CACHE_LIFETIME = Duration.ofSeconds(10);

    private final Database database;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Row> cache = new ConcurrentHashMap<>();

    public TokenStore(Database database) {
        this(database, System::nanoTime);
    }

    TokenStore(Database database, LongSupplier nanoClock) {
        this.database = requireNonNull(database, "database is null");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
    }

    /** Creates a token and returns it in clear: the only time it is ever shown. */
    public String create(Role role) {
        requireNonNull(role, "role is null");
        String id = HEX.formatHex(random(6));
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
        String salt = HEX.formatHex(random(16));
        String hash = hash(salt, secret);
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO api_token (id, role, salt, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, role.name());
                insert.setString(3, salt);
                insert.setString(4, hash);
                insert.setString(5, Instant.now().toString());
                return insert.executeUpdate();
            }
        });
        return PREFIX + id + "_" + secret;
    }

    /** The role of a valid token; empty for a malformed, unknown or wrong token. */
    public Optional<Role> verify(String token) {
        return authenticate(token).map(Principal::role);
    }

    /** Who a valid token stands for (its id and role); empty for a malformed, unknown or wrong token. */
    public Optional<Principal> authenticate(String token) {
        requireNonNull(token, "token is null");
        if (!token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int split = token.indexOf('_', PREFIX.length());
        if (split < 0) {
            return Optional.empty();
        }
        String id = token.substring(PREFIX.length(), split);
        String secret = token.substring(split + 1);
        Optional<Row> row =
                Optional.ofNullable(cache.get(id)).filter(this::fresh).or(() -> load(id));
        return row.filter(r -> MessageDigest.isEqual(
                        r.hash().getBytes(StandardCharsets.US_ASCII),
                        hash(r.salt(), secret).getBytes(StandardCharsets.US_ASCII)))
                .map(r -> new Principal(id, r.role()));
    }

    /** Whether any admin token exists: the first start tells how to create one when none does. */
    public boolean hasAdmin() {
        return database.transaction(connection -> {
            try (PreparedStatement query =
                            connection.prepareStatement("SELECT COUNT(*) FROM api_token WHERE role = 'ADMIN'");
                    ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getLong(1) > 0;
            }
        });
    }

    /** Every token's id, role and creation time, oldest first; secrets are not kept, so none is shown. */
    public List<TokenInfo> list() {
        return database.transaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                            "SELECT id, role, created_at FROM api_token ORDER BY created_at, id");
                    ResultSet rows = query.executeQuery()) {
                List<TokenInfo> tokens = new ArrayList<>();
                while (rows.next()) {
                    tokens.add(new TokenInfo(
                            rows.getString(1), Role.valueOf(rows.getString(2)), Instant.parse(rows.getString(3))));
                }
                return tokens;
            }
        });
    }

    /**
     * Deletes the token with this id (the part after {@code sl_} and before the next {@code _}). It stops working
     * here at once and in a server holding the same store within {@link #CACHE_LIFETIME}.
     *
     * @return false when no token has this id
     */
    public boolean revoke(String id) {
        requireNonNull(id, "id is null");
        int deleted = database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM api_token WHERE id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate();
            }
        });
        cache.remove(id);
        return deleted > 0;
    }

    private boolean fresh(Row row) {
        return nanoClock.getAsLong() - row.loadedAt() < CACHE_LIFETIME.toNanos();
    }

    private Optional<Row> load(String id) {
        Optional<Row> row = database.transaction(connection -> {
            try (PreparedStatement query =
                    connection.prepareStatement("SELECT role, salt, secret_hash FROM api_token WHERE id = ?")) {
                query.setString(1, id);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new Row(
                                    Role.valueOf(rows.getString(1)),
                                    rows.getString(2),
                                    rows.getString(3),
                                    nanoClock.getAsLong()))
                            : Optional.<Row>empty();
                }
            }
        });
        row.ifPresentOrElse(r -> cache.put(id, r), () -> cache.remove(id));
        return row;
    }

    private static String hash(String salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt.getBytes(StandardCharsets.US_ASCII));
            return HEX.formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }

    private record Row(Role role, String salt, String hash, long loadedAt) {}
}
