package io.sightline.cli;

import io.sightline.finding.Severity;
import io.sightline.rank.RankedImage;
import io.sightline.remediation.fixes.FixWork;
import io.sightline.remediation.fixes.FixWorkBuilder;
import io.sightline.remediation.fixes.ReportMetadata;
import io.sightline.remediation.notify.Delivery;
import io.sightline.remediation.notify.DeliveryLog;
import io.sightline.remediation.notify.Payloads;
import io.sightline.remediation.notify.RetryPolicy;
import io.sightline.remediation.notify.Sleeper;
import io.sightline.remediation.notify.WebhookSender;
import io.sightline.storyboard.Storyboard;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline notify}: webhook and ticket payloads for what crossed the severity threshold. */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        description = "POSTs a generic JSON event (--webhook) and/or a ticket payload (--ticket) per storyboard or"
                + " per implicated image at --min-severity or above, with bounded retries; prints and appends a"
                + " delivery record for each.")
final class NotifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", paramLabel = "DIR", description = "analysed folder: inventory/, scans/, telemetry/")
    Path from;

    @Option(names = "--webhook", paramLabel = "URL", description = "generic JSON webhook")
    URI webhook;

    @Option(names = "--ticket", paramLabel = "URL", description = "endpoint taking ticket payloads")
    URI ticket;

    @Option(names = "--min-severity", defaultValue = "high", description = "threshold (default: ${DEFAULT-VALUE})")
    String minSeverity;

    @Option(
            names = "--per",
            defaultValue = "storyboard",
            description = "storyboard or image (default: ${DEFAULT-VALUE})")
    String per;

    @Option(
            names = "--max-attempts",
            defaultValue = "4",
            description = "attempts per delivery (default: ${DEFAULT-VALUE})")
    int maxAttempts;

    @Option(names = "--deliveries", paramLabel = "FILE", description = "append delivery records (JSON lines) to FILE")
    Path deliveries;

    @Override
    public Integer call() {
        if (webhook == null && ticket == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --webhook URL and/or --ticket URL");
        }
        Severity threshold = Severity.parse(minSeverity);
        if (threshold == Severity.UNKNOWN) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--min-severity: unknown severity " + minSeverity);
        }
        if (!per.equals("storyboard") && !per.equals("image")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--per must be storyboard or image");
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-attempts must be 1 to 10");
        }
        FolderAnalysis analysis = FolderAnalysis.of(spec.commandLine(), from, null);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        WebhookSender sender = new WebhookSender(
                http, RetryPolicy.DEFAULTS.withMaxAttempts(maxAttempts), Sleeper.REAL, Clock.systemUTC());

        List<Delivery> sent = new ArrayList<>();
        if (per.equals("storyboard")) {
            for (Storyboard storyboard : analysis.result().storyboards()) {
                if (storyboard.severity().atLeast(threshold)) {
                    send(sender, sent, storyboard.id(), Payloads.webhook(storyboard), Payloads.ticket(storyboard));
                }
            }
        } else {
            FixWorkBuilder builder = new FixWorkBuilder(analysis.result().inventory(), new ReportMetadata(from));
            for (RankedImage image : analysis.result().images()) {
                Optional<Severity> severity =
                        imageSeverity(image, analysis.result().storyboards());
                if (severity.filter(s -> s.atLeast(threshold)).isPresent()) {
                    FixWork work = builder.build(image);
                    String label = severity.get().label();
                    send(sender, sent, image.image(), Payloads.webhook(work, label), Payloads.ticket(work, label));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Delivery delivery : sent) {
            out.println(DeliveryLog.toJson(delivery));
            if (deliveries != null) {
                DeliveryLog.append(deliveries, delivery);
            }
        }
        out.flush();
        return sent.stream().allMatch(Delivery::delivered) ? 0 : 1;
    }

    private void send(WebhookSender sender, List<Delivery> sent, String subject, String event, String ticketJson) {
        if (webhook != null) {
            sent.add(sender.send(webhook, "webhook", subject, event));
        }
        if (ticket != null) {
            sent.add(sender.send(ticket, "ticket", subject, ticketJson));
        }
    }

    /** An image is as severe as the worst open storyboard it took part in. */
    private static Optional<Severity> imageSeverity(RankedImage image, List<Storyboard> storyboards) {
        return storyboards.stream()
                .filter(s -> image.storyboards().contains(s.id()))
                .map(Storyboard::severity)
                .max(Comparator.naturalOrder());
    }
}
