package io.sightline.cli;

import io.sightline.store.Database;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the server's store is: {@code --data DIR} (embedded SQLite, the default) or {@code --db URL}. */
final class StoreOptions {

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "sightline-data",
            description = "data folder of the embedded store (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(
            names = "--db",
            paramLabel = "URL",
            description = "jdbc:postgresql://HOST/DB?user=U&password=P to use PostgreSQL instead of the embedded store")
    String db;

    String url() {
        return db != null ? db : Database.sqliteUrl(data);
    }

    /** How to repeat these options on another command line. */
    String asArguments() {
        return db != null ? "--db '" + Database.redact(db) + "'" : "--data " + data;
    }
}
