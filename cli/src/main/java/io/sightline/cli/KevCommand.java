package io.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.formats.KevCatalogue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline kev refresh --from FILE|URL}: validates a newer CISA KEV catalogue and stores
 * it in the data directory, where {@code analyze} finds it (an explicit {@code --kev} still
 * wins). The stored copy is replaced atomically, and only after the new one validated, so a bad
 * download never leaves analyze without a catalogue.
 */
@Command(
        name = "kev",
        mixinStandardHelpOptions = true,
        description = "Manage the CISA Known Exploited Vulnerabilities catalogue used by analyze.",
        subcommands = {KevCommand.Refresh.class})
final class KevCommand implements Runnable {

    static final String FILE_NAME = "known_exploited_vulnerabilities.json";

    @Override
    public void run() {
        System.out.println("usage: sightline kev refresh --from FILE|URL [--data-dir DIR]");
    }

    static Path dataDir(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv("SIGHTLINE_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".sightline");
    }

    static Path storedCatalogue(Path dataDir) {
        return dataDir.resolve("kev").resolve(FILE_NAME);
    }

    @Command(name = "refresh", mixinStandardHelpOptions = true, description = "Validate and store a KEV catalogue.")
    static final class Refresh implements Callable<Integer> {

        private static final ObjectMapper MAPPER = new ObjectMapper();

        @Option(names = "--from", required = true, paramLabel = "FILE|URL", description = "catalogue file or https URL")
        String from;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "default: $SIGHTLINE_DATA or ~/.sightline")
        Path dataDir;

        @Override
        public Integer call() throws IOException, InterruptedException {
            byte[] body = fetch(from);
            JsonNode root;
            try {
                root = MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException(from + ": not valid JSON (" + e.getMessage() + ")", e);
            }
            KevCatalogue.Validated validated = KevCatalogue.validate(root, from);
            Path target = storedCatalogue(dataDir(dataDir));
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), "kev", ".json");
            Files.write(temporary, body);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("stored KEV catalogue " + validated.catalogVersion() + " (" + validated.entries()
                    + " entries) at " + target);
            return 0;
        }

        private static byte[] fetch(String from) throws IOException, InterruptedException {
            if (from.startsWith("https://") || from.startsWith("http://")) {
                HttpClient client = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(20))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
                HttpResponse<byte[]> response = client.send(
                        HttpRequest.newBuilder(URI.create(from))
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IllegalArgumentException(
                            from + ": HTTP " + response.statusCode() + "; the stored catalogue is unchanged");
                }
                return response.body();
            }
            try {
                return Files.readAllBytes(Path.of(from));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read KEV catalogue " + from, e);
            }
        }
    }
}
