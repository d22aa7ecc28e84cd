package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.finding.Severity;
import io.sightline.formats.Fields;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/** Field readings the three scanner formats share. */
final class FindingFields {

    private FindingFields() {}

    static Severity severity(JsonNode entry, String path) {
        return Fields.text(entry, path).map(Severity::parse).orElse(Severity.UNKNOWN);
    }

    static OptionalDouble score(JsonNode value) {
        return value.isNumber() ? OptionalDouble.of(value.asDouble()) : OptionalDouble.empty();
    }

    /** The distinct candidates other than the primary id, in the order the scanner gave them. */
    static List<String> aliases(String id, List<String> candidates) {
        Set<String> aliases = new LinkedHashSet<>(candidates);
        aliases.remove(id);
        aliases.remove("");
        return List.copyOf(aliases);
    }
}
