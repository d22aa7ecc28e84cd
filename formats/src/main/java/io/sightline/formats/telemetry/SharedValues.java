package io.sightline.formats.telemetry;

import java.util.HashMap;
import java.util.Map;

/**
 * One instance of each value a reading thread decodes again and again: a Tetragon record repeats
 * its process and parent in full, and a host, an image or a binary repeats across thousands of
 * records. Sharing them makes the decoded events, and what the engine keeps of them, a fraction
 * of their parsed size.
 *
 * <p>The table is per thread, so readers never contend, and bounded: when it holds {@link
 * #CAPACITY} values it starts again empty, which costs only the sharing of what came before.
 * Only immutable values (strings, records of them) may be shared.
 */
final class SharedValues {

    private static final int CAPACITY = 1 << 16;

    private static final ThreadLocal<Map<Object, Object>> SEEN = ThreadLocal.withInitial(HashMap::new);

    private SharedValues() {}

    /** The instance equal to {@code value} that this thread saw first, or {@code value} itself. */
    static <T> T shared(Class<T> type, T value) {
        Map<Object, Object> seen = SEEN.get();
        Object known = seen.putIfAbsent(value, value);
        if (known != null) {
            return type.cast(known);
        }
        if (seen.size() > CAPACITY) {
            seen.clear();
        }
        return value;
    }

    static String shared(String value) {
        return shared(String.class, value);
    }
}
