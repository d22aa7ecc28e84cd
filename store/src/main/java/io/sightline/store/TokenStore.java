package io.sightline.store;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API tokens. A token reads {@code sl_<id>_<secret>}: the id finds the row, the secret is checked
 * against a salted SHA-256 kept in the store; the secret itself is never stored or logged. The
 * secret has 256 random bits, so a fast hash is enough (no password stretching is needed).
 *
 * <p>Thread safe. Verified rows are cached by id; a token created by another process (the CLI) is
 * found on first use.
 */
public final class TokenStore {

    private static final String PREFIX = "sl_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final Database database;
    private final ConcurrentHashMap<String, Row> cache = new ConcurrentHashMap<>();

    public TokenStore(Database database) {
        this.database = requireNonNull(database, "database is null");
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
        Optional<Row> row = Optional.ofNullable(cache.get(id)).or(() -> load(id));
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

    private Optional<Row> load(String id) {
        Optional<Row> row = database.transaction(connection -> {
            try (PreparedStatement query =
                    connection.prepareStatement("SELECT role, salt, secret_hash FROM api_token WHERE id = ?")) {
                query.setString(1, id);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next()
                            ? Optional.of(
                                    new Row(Role.valueOf(rows.getString(1)), rows.getString(2), rows.getString(3)))
                            : Optional.<Row>empty();
                }
            }
        });
        row.ifPresent(r -> cache.put(id, r));
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

    private record Row(Role role, String salt, String hash) {}
}
