package io.sightline.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The heap by class, as {@code jcmd PID GC.class_histogram} prints it (the JVM's diagnostic
 * command, which runs a full GC first), read in the benchmark's own process so that two
 * histograms, with and without the engine, can be subtracted: what is left is what the engine
 * holds.
 */
final class ClassHistogram {

    private final Map<String, Row> rows;

    private ClassHistogram(Map<String, Row> rows) {
        this.rows = rows;
    }

    record Row(String className, long instances, long bytes) {}

    static ClassHistogram take() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram",
                            new Object[] {new String[0]},
                            new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("the JVM's GC.class_histogram command failed", e);
        }
        return new ClassHistogram(parse(text));
    }

    /** Rows like {@code    1:   186279   10431624  io.sightline.engine.Flow}; the total and header are skipped. */
    private static Map<String, Row> parse(String text) {
        Map<String, Row> rows = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !fields[0].endsWith(":")) {
                continue;
            }
            Row row = new Row(fields[3], Long.parseLong(fields[1]), Long.parseLong(fields[2]));
            rows.merge(
                    row.className(),
                    row,
                    (a, b) -> new Row(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes()));
        }
        return rows;
    }

    /** The classes that grew most from {@code before} to this histogram, largest first. */
    List<Row> largestGrowthSince(ClassHistogram before, int count) {
        List<Row> growth = new ArrayList<>();
        for (Row row : rows.values()) {
            Row old = before.rows.get(row.className());
            long instances = row.instances() - (old == null ? 0 : old.instances());
            long bytes = row.bytes() - (old == null ? 0 : old.bytes());
            if (bytes > 0) {
                growth.add(new Row(row.className(), instances, bytes));
            }
        }
        growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return growth.subList(0, Math.min(count, growth.size()));
    }

    static void print(List<Row> rows, long events) {
        System.out.println("   what the engine holds, largest classes (shallow sizes):");
        for (Row row : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "   %10.1f MB %6.2f bytes/event %,11d instances  %s%n",
                    row.bytes() / 1e6,
                    (double) row.bytes() / events,
                    row.instances(),
                    row.className());
        }
    }
}
