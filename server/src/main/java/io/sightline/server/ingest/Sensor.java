package io.sightline.server.ingest;

/**
 * The telemetry endpoints, one per sensor, each taking the records its sensor ships: Tetragon's
 * JSON export as NDJSON, Falco's {@code http_output} (one alert per POST; arrays and NDJSON are
 * taken too), the Kubernetes audit webhook's {@code EventList}, and GuardDuty findings as
 * EventBridge delivers them ({@code detail-type: GuardDuty Finding}; bare findings are taken too).
 */
public enum Sensor {
    TETRAGON("tetragon", "tetragon", "a Tetragon JSON export event"),
    FALCO("falco", "falco", "a Falco JSON alert"),
    K8S_AUDIT("k8s-audit", "k8s-audit", "a Kubernetes audit Event (audit.k8s.io/v1)"),
    GUARDDUTY("guardduty", "guardduty", "a GuardDuty finding or its EventBridge event");

    private final String path;
    private final String format;
    private final String expected;

    Sensor(String path, String format, String expected) {
        this.path = path;
        this.format = format;
        this.expected = expected;
    }

    /** The path segment under {@code /api/v1/ingest/}. */
    public String path() {
        return path;
    }

    /** The stream its records are logged on, and the file name of their evidence. */
    public String stream() {
        return "ingest/" + path;
    }

    /** The telemetry format name {@code TelemetryReader.formatOf} gives its records. */
    String format() {
        return format;
    }

    String expected() {
        return expected;
    }
}
