package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.formats.RecordException;

/** Reads one item of an inventory document into the inventory, or says which field is wrong. */
@FunctionalInterface
interface ItemReader {

    void read(JsonNode item) throws RecordException;
}
