package io.sightline.formats.inventory;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.RecordException;
import java.util.List;

/**
 * Applies the inventory's bad-input policy: an item that cannot be read is recorded as skipped,
 * with its position, its name and the field at fault, and its neighbours are still read.
 * Inventory files are whole JSON documents, so the line of a skipped item is 0.
 */
final class SkippingReader {

    private final String file;
    private final List<SkippedRecord> skipped;

    SkippingReader(String file, List<SkippedRecord> skipped) {
        this.file = requireNonNull(file, "file is null");
        this.skipped = requireNonNull(skipped, "skipped is null");
    }

    void read(ItemLabel label, JsonNode item, ItemReader reader) {
        try {
            reader.read(item);
        } catch (RecordException e) {
            skip(label, e.getMessage());
        }
    }

    void skip(ItemLabel label, String reason) {
        skipped.add(new SkippedRecord(file, 0, label.describe() + ": " + reason + "; " + label.noun() + " skipped"));
    }
}
