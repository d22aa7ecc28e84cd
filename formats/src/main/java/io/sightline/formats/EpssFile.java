package io.sightline.formats;

import static java.util.Objects.requireNonNull;

import io.sightline.event.SkippedRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FIRST's daily EPSS CSV ({@code epss_scores-YYYY-MM-DD.csv}, gunzipped): an optional comment line
 * {@code #model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000}, the header {@code
 * cve,epss,percentile}, then one row per CVE. A row that does not read (wrong column count, a
 * probability outside 0..1) is skipped with its line; a file without the header is refused.
 */
public record EpssFile(
        String file, String modelVersion, String scoreDate, Map<String, Double> scores, List<SkippedRecord> skipped) {

    public EpssFile {
        requireNonNull(file, "file is null");
        requireNonNull(modelVersion, "modelVersion is null");
        requireNonNull(scoreDate, "scoreDate is null");
        scores = Map.copyOf(scores);
        skipped = List.copyOf(skipped);
    }

    public static EpssFile read(Path path) {
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(reader, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read EPSS file " + path, e);
        }
    }

    static EpssFile read(BufferedReader reader, String name) throws IOException {
        String model = "";
        String date = "";
        String line = reader.readLine();
        int number = 1;
        if (line != null && line.startsWith("#")) {
            for (String part : line.substring(1).split(",")) {
                int colon = part.indexOf(':');
                if (colon > 0 && part.startsWith("model_version")) {
                    model = part.substring(colon + 1).trim();
                } else if (colon > 0 && part.startsWith("score_date")) {
                    date = part.substring(colon + 1).trim();
                }
            }
            line = reader.readLine();
            number++;
        }
        if (line == null || !line.trim().startsWith("cve,epss")) {
            throw new IllegalArgumentException(name + " line " + number
                    + ": expected the FIRST EPSS header 'cve,epss,percentile', got "
                    + (line == null ? "the end of the file" : "'" + line + "'"));
        }
        Map<String, Double> scores = new HashMap<>();
        List<SkippedRecord> skipped = new ArrayList<>();
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            String[] columns = line.split(",");
            if (columns.length < 2 || !columns[0].startsWith("CVE-")) {
                skipped.add(new SkippedRecord(
                        name, number, "expected 'CVE-id,epss,percentile', got '" + line + "'; row skipped"));
                continue;
            }
            try {
                double value = Double.parseDouble(columns[1].trim());
                if (value < 0 || value > 1) {
                    throw new NumberFormatException("outside 0..1");
                }
                scores.put(columns[0].trim(), value);
            } catch (NumberFormatException e) {
                skipped.add(new SkippedRecord(
                        name,
                        number,
                        "field epss: expected a probability 0..1, got '" + columns[1] + "'; row skipped"));
            }
        }
        return new EpssFile(name, model, date, scores, skipped);
    }
}
