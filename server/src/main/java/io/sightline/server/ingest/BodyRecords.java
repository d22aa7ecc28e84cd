package io.sightline.server.ingest;

import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TelemetryReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The records of a telemetry request body (or of a tailed file's line), each checked against the
 * sensor it was sent as. JSON Lines whose first record is a Tetragon or audit record alone on its
 * line is read line by line as files are, those lines without a tree; every other line, and any
 * other body (one JSON value, an array, a wrapper object), is read as a tree, which also words
 * what is wrong with a record.
 */
final class BodyRecords {

    /** Events are mapped under this name; the engine gives them the log entry's stream and number. */
    private static final SourceRecord CHECK = new SourceRecord("check", 1);

    /**
     * One record: its 1-based position in the body, what the check made of it and its JSON as
     * it is logged (the line that held it alone, as it came).
     */
    record Taken(int index, IngestService.Checked checked, String json) {}

    private BodyRecords() {}

    static List<Taken> read(Sensor sensor, String body) {
        List<String> lines = body.lines().toList();
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        Optional<IngestService.Checked> firstChecked =
                first == lines.size() ? Optional.empty() : fast(sensor, lines.get(first));
        if (firstChecked.isEmpty()) {
            return asTrees(sensor, TelemetryReader.splitRecords(body), 0);
        }
        List<Taken> taken = new ArrayList<>(lines.size());
        taken.add(new Taken(1, firstChecked.get(), lines.get(first)));
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Optional<IngestService.Checked> checked = fast(sensor, line);
            if (checked.isPresent()) {
                taken.add(new Taken(taken.size() + 1, checked.get(), line));
            } else {
                taken.addAll(asTrees(sensor, TelemetryReader.splitLine(line), taken.size()));
            }
        }
        return taken;
    }

    private static Optional<IngestService.Checked> fast(Sensor sensor, String line) {
        try {
            return TelemetryReader.readLine(line, CHECK)
                    .map(read -> read.format().equals(sensor.format())
                            ? new IngestService.Checked.Mapped(read.events())
                            : refusedAs(sensor, Optional.of(read.format())));
        } catch (RecordException e) {
            return Optional.of(new IngestService.Checked.Refused(e.getMessage()));
        }
    }

    /**
     * The record's events, mapped as the engine would map it from the log (their source a
     * placeholder until it is logged), or why the record is refused.
     */
    static IngestService.Checked map(Sensor sensor, TelemetryReader.RawRecord record) {
        if (!record.problem().isEmpty()) {
            return new IngestService.Checked.Refused(record.problem());
        }
        if (!record.node().isObject()) {
            return new IngestService.Checked.Refused("expected " + sensor.expected() + ", got a JSON "
                    + record.node().getNodeType().name().toLowerCase(Locale.ROOT));
        }
        Optional<String> format = TelemetryReader.formatOf(record.node());
        if (format.isEmpty() || !format.get().equals(sensor.format())) {
            return refusedAs(sensor, format);
        }
        try {
            return new IngestService.Checked.Mapped(TelemetryReader.mapRecord(record.node(), CHECK));
        } catch (RecordException e) {
            return new IngestService.Checked.Refused(e.getMessage());
        }
    }

    /** A record refused for being of another format than the sensor's, or of none known. */
    private static IngestService.Checked.Refused refusedAs(Sensor sensor, Optional<String> format) {
        return new IngestService.Checked.Refused("expected " + sensor.expected() + ", got "
                + format.map(f -> "a " + f + " record").orElse("a record of no known format"));
    }

    private static List<Taken> asTrees(Sensor sensor, List<TelemetryReader.RawRecord> records, int before) {
        List<Taken> taken = new ArrayList<>(records.size());
        for (TelemetryReader.RawRecord record : records) {
            taken.add(new Taken(before + taken.size() + 1, map(sensor, record), record.json()));
        }
        return taken;
    }
}
