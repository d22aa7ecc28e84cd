package io.sightline.formats;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.inventory.DockerInspectParser;
import io.sightline.formats.inventory.Ec2InstancesParser;
import io.sightline.formats.inventory.EcrImagesParser;
import io.sightline.formats.inventory.EcsTasksParser;
import io.sightline.formats.inventory.EksClusterParser;
import io.sightline.formats.inventory.KubernetesListParser;
import io.sightline.formats.scan.ScanFormat;
import io.sightline.formats.scan.ScanFormats;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Recognises and parses one whole JSON document: a scanner report (any of {@link ScanFormats}) or an
 * inventory document (kubectl JSON, EC2 describe-instances, EKS clusters, ECS describe-tasks and
 * describe-container-instances, ECR batch-get-image, docker inspect). The
 * file loader and the server's upload endpoints share it.
 */
public final class DocumentParser {

    private DocumentParser() {}

    /** What kind of document a format is. */
    public enum Kind {
        SCAN,
        INVENTORY
    }

    /** The inventory formats {@link #recognise} knows, in detection order. */
    private static final List<String> INVENTORY_FORMATS = List.of(
            "kubernetes",
            "ec2-describe-instances",
            "eks-describe-cluster",
            "docker-inspect",
            "ecs-describe-tasks",
            "ecr-batch-get-image");

    /** The names of the formats of one kind, for messages that say what was expected. */
    public static List<String> formats(Kind kind) {
        return switch (kind) {
            case SCAN -> ScanFormats.ALL.stream().map(ScanFormat::name).toList();
            case INVENTORY -> INVENTORY_FORMATS;
        };
    }

    /**
     * The kind and format name of a document, if it is one Sightline parses. VEX documents are
     * not among them: the file loader reads those itself.
     */
    public static Optional<Recognised> recognise(JsonNode root) {
        requireNonNull(root, "root is null");
        Optional<ScanFormat> scan = ScanFormats.detect(root);
        if (scan.isPresent()) {
            return Optional.of(new Recognised(Kind.SCAN, scan.get().name()));
        }
        if (KubernetesListParser.accepts(root)) {
            return Optional.of(new Recognised(Kind.INVENTORY, "kubernetes"));
        }
        if (Ec2InstancesParser.accepts(root)) {
            return Optional.of(new Recognised(Kind.INVENTORY, "ec2-describe-instances"));
        }
        if (EksClusterParser.accepts(root)) {
            return Optional.of(new Recognised(Kind.INVENTORY, "eks-describe-cluster"));
        }
        if (DockerInspectParser.accepts(root)) {
            return Optional.of(new Recognised(Kind.INVENTORY, "docker-inspect"));
        }
        if (EcsTasksParser.accepts(root)) {
            return Optional.of(new Recognised(Kind.INVENTORY, "ecs-describe-tasks"));
        }
        if (EcrImagesParser.accepts(root)) {
            return Optional.of(new Recognised(Kind.INVENTORY, "ecr-batch-get-image"));
        }
        return Optional.empty();
    }

    /**
     * Parses a document into the inventory or into the reports handed to {@code reports} (one
     * document may hold several, e.g. one per image).
     *
     * @param name the file name evidence and skipped records carry
     * @param problems receives the records of the document that were skipped
     * @return the format name, or empty when the document is of no known format (nothing is read)
     * @throws RecordException when the document is of a known format but unreadable as a whole,
     *     or looks like a scanner's output that is not a vulnerability report
     */
    public static Optional<String> parse(
            JsonNode root, String name, Inventory inventory, Consumer<ScanReport> reports, List<SkippedRecord> problems)
            throws RecordException {
        Optional<ScanFormat> scan = ScanFormats.detect(root);
        if (scan.isPresent()) {
            scan.get().parse(root, name, problems).forEach(reports);
            return Optional.of(scan.get().name());
        }
        Optional<String> notAReport = ScanFormats.notAScanReport(root);
        if (notAReport.isPresent()) {
            throw new RecordException("expected a scanner report, got " + notAReport.get());
        }
        Optional<Recognised> recognised = recognise(root);
        if (recognised.isEmpty()) {
            return Optional.empty();
        }
        String format = recognised.get().format();
        switch (format) {
            case "kubernetes" -> KubernetesListParser.parse(root, name, inventory, problems);
            case "ec2-describe-instances" -> Ec2InstancesParser.parse(root, name, inventory, problems);
            case "eks-describe-cluster" -> EksClusterParser.parse(root, name, inventory, problems);
            case "docker-inspect" -> DockerInspectParser.parse(root, name, inventory, problems);
            case "ecs-describe-tasks" -> EcsTasksParser.parse(root, name, inventory, problems);
            case "ecr-batch-get-image" -> EcrImagesParser.parse(root, name, inventory, problems);
            default -> throw new IllegalStateException("recognised format without a parser: " + format);
        }
        return Optional.of(format);
    }

    /** A document's kind and format name. */
    public record Recognised(Kind kind, String format) {

        public Recognised {
            requireNonNull(kind, "kind is null");
            requireNonNull(format, "format is null");
        }
    }
}
