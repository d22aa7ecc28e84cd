package io.sightline.engine;

import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ApiCall;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessRef;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Builds runtime events for engine tests the way a sensor would report them. Each event gets the
 * next line of a fictional {@code telemetry/test.jsonl}, so a test can name records by line.
 */
final class Events {

    static final Instant T0 = Instant.parse("2024-11-14T09:00:00Z");
    static final String FILE = "telemetry/test.jsonl";

    private int line;

    static Optional<ContainerContext> container(String hexPrefix, String namespace, String pod) {
        String id = (hexPrefix + "0".repeat(64)).substring(0, 64);
        return Optional.of(new ContainerContext(
                ContainerId.parse("containerd://" + id),
                Optional.of(pod.split("-")[0]),
                Optional.of(new PodKey(namespace, pod)),
                Optional.empty(),
                Optional.empty()));
    }

    static ProcessRef process(
            String host, long pid, double startSeconds, String binary, String args, Optional<ContainerContext> c) {
        return new ProcessRef(host, pid, at(startSeconds), binary, args, Optional.empty(), c, OptionalLong.empty());
    }

    static Instant at(double seconds) {
        return T0.plusNanos((long) (seconds * 1_000_000_000L));
    }

    SourceRecord next() {
        return new SourceRecord(FILE, ++line);
    }

    int lastLine() {
        return line;
    }

    ProcessExec exec(ProcessRef process, ProcessRef parent) {
        return new ProcessExec(next(), process.startTime(), process, Optional.ofNullable(parent));
    }

    ProcessExit exit(ProcessRef process, double seconds) {
        return new ProcessExit(next(), at(seconds), process, Optional.empty());
    }

    NetworkFlow connect(ProcessRef process, double seconds, String local, String remote) {
        return new NetworkFlow(
                next(),
                at(seconds),
                process,
                Optional.empty(),
                NetworkFlow.Direction.OUTBOUND,
                endpoint(local),
                endpoint(remote));
    }

    NetworkFlow accept(ProcessRef process, double seconds, String local, String remote) {
        return new NetworkFlow(
                next(),
                at(seconds),
                process,
                Optional.empty(),
                NetworkFlow.Direction.INBOUND,
                endpoint(local),
                endpoint(remote));
    }

    FileAccess write(ProcessRef process, double seconds, String path) {
        return new FileAccess(next(), at(seconds), process, Optional.empty(), path, FileAccess.Mode.WRITE);
    }

    FileAccess read(ProcessRef process, double seconds, String path) {
        return new FileAccess(next(), at(seconds), process, Optional.empty(), path, FileAccess.Mode.READ);
    }

    ApiCall apiCall(double seconds, String user, String sourceIp, String uri) {
        return new ApiCall(
                next(),
                at(seconds),
                "audit-" + line,
                "ResponseComplete",
                user,
                List.of(sourceIp),
                "curl/7.68.0",
                "list",
                uri,
                Optional.of("secrets"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                200,
                Optional.empty());
    }

    ApiCall kubectlExec(double seconds, String user, String namespace, String pod) {
        return new ApiCall(
                next(),
                at(seconds),
                "audit-" + line,
                "ResponseStarted",
                user,
                List.of("10.0.0.200"),
                "kubectl/v1.30.0",
                "create",
                "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/exec",
                Optional.of("pods"),
                Optional.of("exec"),
                Optional.of(namespace),
                Optional.of(pod),
                101,
                Optional.empty());
    }

    Detection falco(ProcessRef process, double seconds, String rule, Severity severity) {
        return new Detection(
                next(),
                at(seconds),
                "falco",
                rule,
                severity,
                List.of(),
                rule,
                Optional.of(process.host()),
                Optional.of(process),
                OptionalLong.empty(),
                process.container(),
                List.of());
    }

    private static Endpoint endpoint(String text) {
        int colon = text.lastIndexOf(':');
        return new Endpoint(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
