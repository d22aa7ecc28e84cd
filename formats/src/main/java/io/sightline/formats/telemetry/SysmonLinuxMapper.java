package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.NetworkFlow.Direction;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Maps one Sysmon for Linux event ({@code <Event>…</Event>} XML, provider {@code Linux-Sysmon}) to
 * events, either as a syslog line or inside the JSON a log workspace exports ({@code
 * SyslogMessage}). Event 1 (process create) is a {@link ProcessExec}, 3 (network connect) a {@link
 * NetworkFlow} ({@code Initiated} true is outbound from {@code Source}, false inbound to {@code
 * Destination}), 5 (process terminated) a {@link ProcessExit}, 11 (file create) and 23 (file
 * delete) a {@link FileAccess} write. Other event ids are valid records with no event.
 *
 * <p>A process is identified by host, pid and the start time its {@code ProcessGuid} holds:
 * Sysmon for Linux writes the start in epoch seconds into the GUID's second and third groups
 * ({@code {94325212-fc0d-627b-…}} is {@code 0x627bfc0d}, 2022-05-11T18:10:21Z). Every event of a
 * process carries the GUID, while its {@code UtcTime} is the event's own time, so only the GUID
 * gives all of them one key; the GUID is also the {@code execId}. A GUID whose last two groups
 * are zero names a process Sysmon did not see start (a fork that never exec'd, {@code < unknown
 * process>}); such a process, and a parent given with a zero {@code ParentProcessGuid}, is a
 * {@link ProcessRef#seenAlive} by pid.
 *
 * <p>Syslog cuts messages at about 2 KB, which leaves some XML unclosed (a long {@code
 * ParentCommandLine}); what was read up to the cut is used. The XML parser reads no DTD and
 * resolves no external entity.
 */
public final class SysmonLinuxMapper {

    private static final XMLInputFactory XML = xmlFactory();
    private static final Pattern GUID = Pattern.compile(
            "\\{?([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})}?");
    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSSSS][.SSS]");

    private SysmonLinuxMapper() {}

    public static boolean accepts(JsonNode record) {
        return SyslogRecords.message(record)
                .filter(SysmonLinuxMapper::acceptsLine)
                .isPresent();
    }

    /** A syslog line that carries a Sysmon for Linux event. */
    public static boolean acceptsLine(String line) {
        int event = line.indexOf("<Event>");
        return event >= 0 && line.indexOf("Linux-Sysmon", event) > 0;
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        String message = SyslogRecords.message(record).orElseThrow(() -> RecordException.missing("SyslogMessage"));
        return mapText(message, SyslogRecords.host(record), source);
    }

    public static List<RuntimeEvent> mapLine(String line, SourceRecord source) throws RecordException {
        return mapText(line, Optional.empty(), source);
    }

    private static List<RuntimeEvent> mapText(String text, Optional<String> recordHost, SourceRecord source)
            throws RecordException {
        Event event = read(text.substring(text.indexOf("<Event>")));
        String id = event.system().getOrDefault("EventID", "");
        try {
            String host = Optional.ofNullable(event.system().get("Computer"))
                    .or(() -> recordHost)
                    .orElseThrow(() -> RecordException.missing("System/Computer"));
            Instant time = utcTime(event.data());
            Data data = new Data(event.data(), host, time);
            return switch (id) {
                case "1" -> List.of(new ProcessExec(source, time, data.process(), data.parent()));
                case "3" -> List.of(flow(data, source));
                case "5" -> List.of(new ProcessExit(source, time, data.process(), Optional.empty()));
                case "11", "23" ->
                    List.of(new FileAccess(
                            source,
                            time,
                            data.process(),
                            Optional.empty(),
                            data.required("TargetFilename"),
                            FileAccess.Mode.WRITE));
                default -> List.of();
            };
        } catch (RecordException e) {
            throw new RecordException("sysmon event " + id + ": " + e.getMessage());
        }
    }

    private static NetworkFlow flow(Data data, SourceRecord source) throws RecordException {
        Endpoint sourceEnd = data.endpoint("SourceIp", "SourcePort");
        Endpoint destination = data.endpoint("DestinationIp", "DestinationPort");
        if (sourceEnd.port() == 0 && destination.port() == 0) {
            throw new RecordException(data.values.getOrDefault("Protocol", "") + " socket with no endpoints ("
                    + sourceEnd + " to " + destination + ")");
        }
        boolean initiated = Boolean.parseBoolean(data.required("Initiated"));
        return initiated
                ? new NetworkFlow(
                        source, data.time, data.process(), Optional.empty(), Direction.OUTBOUND, sourceEnd, destination)
                : new NetworkFlow(
                        source, data.time, data.process(), Optional.empty(), Direction.INBOUND, destination, sourceEnd);
    }

    private static Instant utcTime(Map<String, String> data) throws RecordException {
        String text = data.get("UtcTime");
        if (text == null) {
            throw RecordException.missing("UtcTime");
        }
        try {
            return LocalDateTime.parse(text, UTC_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw RecordException.invalid("UtcTime", "yyyy-MM-dd HH:mm:ss.SSS", text);
        }
    }

    /** The start time a Sysmon for Linux process GUID holds, when the GUID names a process it saw start. */
    static Optional<Instant> guidStart(String guid) {
        Matcher parts = GUID.matcher(guid.strip());
        if (!parts.matches() || (Long.parseLong(parts.group(4), 16) == 0 && Long.parseLong(parts.group(5), 16) == 0)) {
            return Optional.empty();
        }
        long seconds = (Long.parseLong(parts.group(3), 16) << 16) | Long.parseLong(parts.group(2), 16);
        return seconds == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(seconds));
    }

    private static Event read(String xml) throws RecordException {
        Map<String, String> system = new HashMap<>();
        Map<String, String> data = new HashMap<>();
        XMLStreamReader reader = null;
        try {
            reader = XML.createXMLStreamReader(new StringReader(xml));
            String dataName = null;
            String element = "";
            while (reader.hasNext()) {
                int kind = reader.next();
                if (kind == XMLStreamConstants.START_ELEMENT) {
                    element = reader.getLocalName();
                    dataName = element.equals("Data") ? reader.getAttributeValue(null, "Name") : null;
                    if (element.equals("TimeCreated")) {
                        putIfPresent(system, "SystemTime", reader.getAttributeValue(null, "SystemTime"));
                    }
                } else if (kind == XMLStreamConstants.CHARACTERS) {
                    if (dataName != null) {
                        data.merge(dataName, reader.getText(), String::concat);
                    } else if (element.equals("EventID") || element.equals("Computer")) {
                        system.merge(element, reader.getText().strip(), String::concat);
                    }
                } else if (kind == XMLStreamConstants.END_ELEMENT) {
                    dataName = null;
                    element = "";
                }
            }
        } catch (XMLStreamException cutShort) {
            // Syslog's message size limit cuts long events: keep the fields read before the cut.
            if (!system.containsKey("EventID")) {
                throw new RecordException("sysmon: not a readable <Event>: " + cutShort.getMessage());
            }
            unclosedData(xml).ifPresent(cut -> data.putIfAbsent(cut.getKey(), cut.getValue()));
        } finally {
            close(reader);
        }
        return new Event(system, data);
    }

    /**
     * The value of a last {@code <Data Name="…">} that the cut left unclosed: the parser stops
     * before it, though its text up to the cut is there ({@code ParentCommandLine} of a JVM).
     */
    private static Optional<Map.Entry<String, String>> unclosedData(String xml) {
        int open = xml.lastIndexOf("<Data Name=\"");
        if (open < 0 || xml.indexOf("</Data>", open) >= 0) {
            return Optional.empty();
        }
        int nameEnd = xml.indexOf("\">", open + 12);
        if (nameEnd < 0) {
            return Optional.empty();
        }
        String value = xml.substring(nameEnd + 2)
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
        return Optional.of(Map.entry(xml.substring(open + 12, nameEnd), value));
    }

    private static void putIfPresent(Map<String, String> into, String key, String value) {
        if (value != null) {
            into.put(key, value);
        }
    }

    private static void close(XMLStreamReader reader) {
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (XMLStreamException ignored) {
            // Nothing is held open for a string.
        }
    }

    private static XMLInputFactory xmlFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    private record Event(Map<String, String> system, Map<String, String> data) {}

    /** An event's {@code EventData}, read as processes and endpoints. */
    private record Data(Map<String, String> values, String host, Instant time) {

        ProcessRef process() throws RecordException {
            long pid = number("ProcessId");
            String image = image("Image");
            String arguments =
                    text("CommandLine").map(SyslogRecords::rawArguments).orElse("");
            String guid = text("ProcessGuid").orElse("");
            Optional<Instant> start = guidStart(guid);
            if (start.isEmpty()) {
                return ProcessRef.seenAlive(host, pid, time, image, arguments, OptionalLong.empty());
            }
            return new ProcessRef(
                    host,
                    pid,
                    start.get(),
                    image,
                    arguments,
                    Optional.of(guid),
                    Optional.empty(),
                    OptionalLong.empty());
        }

        Optional<ProcessRef> parent() throws RecordException {
            Optional<String> pidText = text("ParentProcessId");
            if (pidText.isEmpty()) {
                return Optional.empty();
            }
            long pid = number("ParentProcessId");
            String image = image("ParentImage");
            String arguments =
                    text("ParentCommandLine").map(SyslogRecords::rawArguments).orElse("");
            String guid = text("ParentProcessGuid").orElse("");
            Optional<Instant> start = guidStart(guid);
            if (start.isEmpty()) {
                return Optional.of(ProcessRef.seenAlive(host, pid, time, image, arguments, OptionalLong.empty()));
            }
            return Optional.of(new ProcessRef(
                    host,
                    pid,
                    start.get(),
                    image,
                    arguments,
                    Optional.of(guid),
                    Optional.empty(),
                    OptionalLong.empty()));
        }

        Endpoint endpoint(String address, String port) throws RecordException {
            return SensorValues.endpoint(required(address), number(port), port);
        }

        /** {@code Image} as written, except Sysmon's placeholders for "not known". */
        private String image(String field) {
            return text(field).filter(image -> !image.startsWith("<")).orElse("");
        }

        /** A value, except Sysmon's {@code -} for "none". */
        Optional<String> text(String field) {
            return Optional.ofNullable(values.get(field))
                    .map(String::strip)
                    .filter(value -> !value.isEmpty() && !value.equals("-"));
        }

        String required(String field) throws RecordException {
            return text(field).orElseThrow(() -> RecordException.missing(field));
        }

        long number(String field) throws RecordException {
            String value = required(field);
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw RecordException.invalid(field, "a number", value);
            }
        }
    }
}
