package io.sightline.remediation.fixes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.image.ImageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a scan report says about an image beyond its findings: the base image and a link to the
 * scanner's own view. Read from the report file again because the parsed {@code ScanReport} keeps
 * findings only.
 *
 * <ul>
 *   <li>Trivy: the OCI label {@code org.opencontainers.image.base.name} in
 *       {@code Metadata.ImageConfig.config.Labels}, when the image was built with it.
 *   <li>Snyk: {@code docker.baseImage}; {@code uri} (or {@code projectUrl}) when the report came
 *       from {@code snyk monitor}, which {@code snyk container test} does not print.
 *   <li>Grype: neither.
 * </ul>
 */
public final class ReportMetadata {

    private static final Logger log = LoggerFactory.getLogger(ReportMetadata.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String OCI_BASE = "org.opencontainers.image.base.name";
    private static final Pattern ECR = Pattern.compile("(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com");

    private final Path base;

    /** @param base the analysed folder that report file names are relative to */
    public ReportMetadata(Path base) {
        this.base = base;
    }

    public Optional<String> baseImage(String reportFile) {
        return read(reportFile).flatMap(report -> {
            JsonNode label = report.path("Metadata")
                    .path("ImageConfig")
                    .path("config")
                    .path("Labels")
                    .path(OCI_BASE);
            if (label.isTextual() && !label.asText().isBlank()) {
                return Optional.of(label.asText());
            }
            JsonNode snyk = report.path("docker").path("baseImage");
            return snyk.isTextual() && !snyk.asText().isBlank() ? Optional.of(snyk.asText()) : Optional.empty();
        });
    }

    public List<ScannerView> scannerViews(String reportFile) {
        List<ScannerView> views = new ArrayList<>();
        read(reportFile).ifPresent(report -> {
            for (String field : List.of("uri", "projectUrl")) {
                JsonNode url = report.path(field);
                if (url.isTextual() && url.asText().startsWith("https://")) {
                    views.add(new ScannerView("snyk project", url.asText(), reportFile + " " + field, true));
                }
            }
        });
        return views;
    }

    /**
     * The ECR console page of an image pulled from an ECR registry, derived from the registry host
     * name ({@code <account>.dkr.ecr.<region>.amazonaws.com}) and the digest.
     */
    public static Optional<ScannerView> registryView(ImageRef image, String digest) {
        Matcher ecr = ECR.matcher(image.registry());
        if (!ecr.matches()) {
            return Optional.empty();
        }
        String account = ecr.group(1);
        String region = ecr.group(2);
        String url = "https://" + region + ".console.aws.amazon.com/ecr/repositories/private/" + account + "/"
                + image.repository() + "/_/image/" + digest + "/details?region=" + region;
        return Optional.of(
                new ScannerView("ECR image", url, "derived from the registry host " + image.registry(), false));
    }

    private Optional<JsonNode> read(String reportFile) {
        Path path = base.resolve(reportFile);
        if (!Files.isRegularFile(path)) {
            log.warn("scan report file={} not found under base={}; base image and links skipped", reportFile, base);
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readTree(path.toFile()));
        } catch (IOException e) {
            log.warn("scan report file={} unreadable ({}); base image and links skipped", reportFile, e.getMessage());
            return Optional.empty();
        }
    }
}
