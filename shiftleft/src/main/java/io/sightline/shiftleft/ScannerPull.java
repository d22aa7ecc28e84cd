package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One report pulled from a scanner account: the vendor's response as it came (pages merged into
 * one document where the API pages) and what the connector knew about the image it asked for.
 * {@link #document()} is the file {@code analyze} reads, detected by the {@code formats} module
 * as a {@code scanner-pull} and parsed by the vendor format's own parser.
 *
 * @param name a file stem unique within the account ({@code project-<id>}, {@code library_nginx@<digest>})
 */
public record ScannerPull(
        String account,
        String kind,
        String name,
        URI source,
        Optional<String> image,
        List<String> repoDigests,
        JsonNode report) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ScannerPull {
        requireNonNull(account, "account is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        requireNonNull(image, "image is null");
        repoDigests = List.copyOf(repoDigests);
        requireNonNull(report, "report is null");
    }

    /** The file name within the account's folder: the name with every character outside [A-Za-z0-9._@-] replaced. */
    public String fileName() {
        return name.replaceAll("[^A-Za-z0-9._@-]", "_").replace("sha256:", "sha256-") + ".json";
    }

    public ObjectNode document() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode envelope = root.putObject("sightline_scanner_pull");
        envelope.put("account", account);
        envelope.put("kind", kind);
        envelope.put("source", source.toString());
        image.ifPresent(i -> envelope.put("image", i));
        repoDigests.forEach(envelope.putArray("repo_digests")::add);
        root.set("report", report);
        return root;
    }
}
