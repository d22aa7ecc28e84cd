package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An audit line read field by field ({@link K8sAuditMapper#readLine}) against the same line read
 * as a whole tree and mapped as before: the same call, or the same error, for every line of the
 * corpus and the scenarios, and for hand-made lines that bend each field the mapper reads.
 */
class K8sAuditLinesTest {

    private static final ObjectMapper TREE = new ObjectMapper();
    private static final SourceRecord SOURCE = new SourceRecord("k8s-audit.jsonl", 1);

    static Stream<Path> auditFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> corpus = Files.list(TelemetryFiles.corpus("k8s-audit"))) {
            corpus.sorted().forEach(files::add);
        }
        for (String scenario : List.of("benign-ci-noise", "docker-host-miner", "log4shell-lateral")) {
            Path path = TelemetryFiles.scenarios().resolve(scenario).resolve("telemetry/k8s-audit.jsonl");
            if (Files.size(path) > 0) {
                files.add(path);
            }
        }
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("auditFiles")
    void everyLineOfARealFileIsReadFieldByFieldToTheCallItsTreeGave(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int read = 0;

        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Optional<JsonNode> fields = K8sAuditMapper.readLine(Amid.line(line));
            Optional<JsonNode> tree = tree(line);
            if (tree.isEmpty()) {
                // The scenarios hold a few lines cut short on purpose; the tree words their error.
                assertThat(fields).as("a line that is not JSON: %s", line).isEmpty();
                continue;
            }
            assertThat(fields).as("line read field by field: %s", line).isPresent();
            assertThat(mapped(fields.get())).isEqualTo(mapped(tree.get()));
            read++;
        }

        assertThat(read).isPositive();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // user as a string, a username that is a number, a duplicated user (the last wins)
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":\"bob\",\"verb\":\"get\","
                        + "\"requestURI\":\"/x\",\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":7},"
                        + "\"verb\":\"get\",\"requestURI\":\"/x\",\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"a\"},"
                        + "\"verb\":\"get\",\"user\":{\"groups\":[\"x\"]},\"requestURI\":\"/x\","
                        + "\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                // a lone source address, a status out of range, objectRef as a list
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"sourceIPs\":\"10.0.0.1\",\"verb\":\"get\",\"requestURI\":\"/x\","
                        + "\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"verb\":\"get\",\"requestURI\":\"/x\",\"responseStatus\":{\"code\":4294967496},"
                        + "\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"verb\":\"get\",\"requestURI\":\"/x\",\"objectRef\":[\"pods\"],"
                        + "\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                // a bound token's pod, with the key that holds dots; an empty pod list; a pod name that is a number
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"verb\":\"get\","
                        + "\"user\":{\"username\":\"system:serviceaccount:web:default\",\"extra\":"
                        + "{\"authentication.kubernetes.io/pod-name\":[\"web-1\"],\"other\":[\"x\"]}},"
                        + "\"requestURI\":\"/x\",\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"verb\":\"get\","
                        + "\"user\":{\"username\":\"system:serviceaccount:web:default\",\"extra\":"
                        + "{\"authentication.kubernetes.io/pod-name\":[]}},"
                        + "\"requestURI\":\"/x\",\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"verb\":\"get\","
                        + "\"user\":{\"username\":\"system:serviceaccount:web:default\",\"extra\":"
                        + "{\"authentication.kubernetes.io/pod-name\":[12]}},"
                        + "\"requestURI\":\"/x\",\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                // no stage time but an older stamp; no time at all; a time that is no time
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"verb\":\"get\",\"requestURI\":\"/x\",\"timestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"verb\":\"get\",\"requestURI\":\"/x\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"verb\":\"get\",\"requestURI\":\"/x\",\"stageTimestamp\":true}",
                // a missing verb, a null requestURI, fields nobody reads that nest deep
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"requestURI\":\"/x\",\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"verb\":\"get\",\"requestURI\":null,\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u\"},"
                        + "\"verb\":\"get\",\"requestURI\":\"/x\",\"requestObject\":{\"a\":[{\"b\":[1,2,{\"c\":null}]}]},"
                        + "\"stageTimestamp\":\"2024-11-14T09:00:00Z\"}"
            })
    void aBentFieldGivesTheSameCallOrTheSameErrorAsTheTree(String line) throws IOException {
        Optional<JsonNode> fields = K8sAuditMapper.readLine(Amid.line(line));

        assertThat(fields).isPresent();
        assertThat(mapped(fields.get())).isEqualTo(mapped(TREE.readTree(line)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // another format's field, a line that is not an audit event, not one object, not valid JSON
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"RequestReceived\",\"rule\":\"r\"}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"RequestReceived\",\"process_exec\":{}}",
                "{\"kind\":\"EventList\",\"items\":[]}",
                "{\"kind\":\"Event\",\"auditID\":1,\"stage\":\"RequestReceived\"}",
                "{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"auditID\":\"a\",\"stage\":\"RequestReceived\"}",
                "[{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"RequestReceived\"}]",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"RequestReceived\",}",
                "{\"kind\":\"Event\",\"auditID\":\"a\",\"stage\":\"RequestReceived\"} {}"
            })
    void aLineTheTreeMustDecideIsLeftToIt(String line) {
        assertThat(K8sAuditMapper.readLine(Amid.line(line))).isEmpty();
    }

    private static Optional<JsonNode> tree(String line) {
        try {
            return Optional.of(TREE.readTree(line));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** The call's text, or the error's, as the mapper gives it for this tree. */
    private static String mapped(JsonNode record) {
        try {
            return K8sAuditMapper.map(record, SOURCE).toString();
        } catch (RecordException e) {
            return "error: " + e.getMessage();
        }
    }
}
