package io.github.ttforwarder.delivery.deadletter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.config.KafkaSettings;
import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.DeliveryConfig;
import io.github.ttforwarder.delivery.DeliveryMetrics;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.OutboundEvent;
import io.github.ttforwarder.model.RequestContext;

/**
 * Durable store of events that could not be delivered or were rejected: JSON-lines files under
 * {@code forwarder.dead-letter.dir} (default {@code data/dead-letters/}), one file per UTC day named
 * {@code dead-letters-YYYY-MM-DD.jsonl}, one {@link DeadLetter} per line. Every write is flushed to disk
 * ({@code fsync}) before it returns.
 *
 * <p>Replay marking: the ids of replayed lines are appended to {@code replayed-ids.txt} in the same folder;
 * lines whose id is listed there are neither listed nor replayed again. Dead-letter files are append-only
 * and never rewritten, so a crash can at worst lose the last replay marks (the event is then replayed
 * twice; TikTok dedups it by {@code event_id} within 48 h, TikTok Events API 2.0 §7).
 *
 * <p>Kafka mode ({@code forwarder.queue=kafka}): every line is also produced to
 * {@code forwarder.kafka.dead-letter-topic} (key = pixel code, or name when unknown), and a write returns only
 * after the broker acknowledged it (acks=all); the topic is the shared record of all instances, the local
 * files serve this instance's admin list and replay.
 *
 * <p>Thread-safe (all file access is serialised in this JVM). Never writes the access token.
 */
@ApplicationScoped
@Named("deadLetterStore")
public class DeadLetterStore {

    /** Kafka mode: route that produces dead-letter lines to {@code forwarder.kafka.dead-letter-topic}. */
    public static final String KAFKA_DEAD_LETTERS = "direct:kafka-dead-letter";

    /** Name of the file listing replayed dead-letter ids, one per line. */
    public static final String REPLAYED_FILE = "replayed-ids.txt";
    /** Name of the file listing discarded dead-letter ids, one per line. */
    public static final String DISCARDED_FILE = "discarded-ids.txt";

    private static final Logger LOG = Logger.getLogger(DeadLetterStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "dead-letters-";
    private static final String SUFFIX = ".jsonl";

    @Inject
    DeliveryConfig config;

    @Inject
    PixelRegistry pixels;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    KafkaSettings kafka;

    @Inject
    CamelContext camelContext;

    @Inject
    ProducerTemplate producer;

    @Inject
    InputRedactor redactor;

    private Set<String> replayed;

    /**
     * Records an "input" dead letter: an event that never became a valid TikTok event (validation, rule failure,
     * unknown pixel). The input is stored with plain personal data hashed or removed ({@link InputRedactor}), so
     * that a replay can run it through the rules and mapping again ({@code direct:reingest}).
     *
     * @param input         the input event as read (its body is not changed)
     * @param reason        why, e.g. {@code DeadLetterReason(VALIDATION, "pixel", "no pixel named 'x' …")},
     *                      {@code forwarder/rule-failed}, {@code forwarder/unknown-pixel}; no personal data
     * @param ruleId        the rule that rejected or failed, or null
     * @param pixelName     the pixel the rule or input named, or null
     * @param testEventCode the test_event_code the rule or input named, or null
     * @return the written dead letter
     * @throws UncheckedIOException  when the line cannot be written
     * @throws IllegalStateException in Kafka mode, when the dead-letter topic did not acknowledge it
     */
    public DeadLetter writeInput(InboundEvent input, DeadLetterReason reason, String ruleId, String pixelName,
            String testEventCode) {
        DeadLetter d = toInputDeadLetter(input, reason, ruleId, pixelName, testEventCode);
        writeAll(List.of(d));
        return d;
    }

    /** @return an input dead letter stamped now with a new id (not yet written); see {@link #writeInput}. */
    public DeadLetter toInputDeadLetter(InboundEvent input, DeadLetterReason reason, String ruleId, String pixelName,
            String testEventCode) {
        ObjectNode in = MAPPER.createObjectNode();
        in.put("format", input.format().label());
        in.put("index", input.index());
        RequestContext c = input.context();
        if (c != null) {
            in.put("endpoint", c.endpoint());
            in.put("request_id", c.requestId());
            in.put("received_at", c.receivedAt());
            in.put("client_ip", c.clientIp());
            in.put("user_agent", c.userAgent());
            in.put("ttp", c.ttpCookie());
        }
        in.set("body", MAPPER.valueToTree(redactor.redact(input.body())));
        String code = pixelName == null ? null
                : pixels.find(pixelName).map(Pixel::code).filter(x -> !x.isBlank()).orElse(null);
        String tec = testEventCode == null || testEventCode.isBlank() ? null : testEventCode;
        return new DeadLetter(UUID.randomUUID().toString(), Instant.now(), reason, 0, pixelName, code, tec, null,
                ruleId, in);
    }

    /**
     * Reads a stored input back (replay).
     *
     * @param input the {@code input} object of an input dead letter
     * @return the input event, with its original format, index and request context
     */
    @SuppressWarnings("unchecked")
    public static InboundEvent readInput(JsonNode input) {
        InboundEvent.Format format = "plain".equals(input.path("format").asText()) ? InboundEvent.Format.PLAIN
                : InboundEvent.Format.XDM;
        RequestContext ctx = new RequestContext(text(input, "request_id"), text(input, "endpoint"),
                text(input, "client_ip"), text(input, "user_agent"), text(input, "ttp"),
                input.path("received_at").asLong(System.currentTimeMillis() / 1000));
        Map<String, Object> body = MAPPER.convertValue(input.path("body"), Map.class);
        return new InboundEvent(input.path("index").asInt(0), format, body, ctx);
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /**
     * For the ingest/validation stage: records an event rejected before delivery (attempts 0, reason source
     * {@value DeadLetterReason#VALIDATION}).
     *
     * @param event   the outbound event (personal data already hashed)
     * @param code    a short machine-readable code, e.g. {@code invalid-currency}
     * @param message why, without personal data
     * @return the written dead letter
     * @throws UncheckedIOException when the line cannot be written
     */
    public DeadLetter write(OutboundEvent event, String code, String message) {
        return write(event, new DeadLetterReason(DeadLetterReason.VALIDATION, code, message, null), 0);
    }

    /**
     * @param event    the outbound event
     * @param reason   why
     * @param attempts HTTP requests made for it
     * @return the written dead letter
     * @throws UncheckedIOException when the line cannot be written
     */
    public DeadLetter write(OutboundEvent event, DeadLetterReason reason, int attempts) {
        DeadLetter d = toDeadLetter(event, reason, attempts);
        writeAll(List.of(d));
        return d;
    }

    /**
     * @return a dead letter for the event, stamped now with a new id (not yet written)
     */
    public DeadLetter toDeadLetter(OutboundEvent event, DeadLetterReason reason, int attempts) {
        String code = event.pixel() == null ? null
                : pixels.find(event.pixel()).map(Pixel::code).filter(c -> !c.isBlank()).orElse(null);
        String tec = event.testEventCode() == null || event.testEventCode().isBlank() ? null : event.testEventCode();
        return new DeadLetter(UUID.randomUUID().toString(), Instant.now(), reason, attempts, event.pixel(), code, tec,
                event.event());
    }

    /**
     * Appends dead letters (grouped into the files of their UTC day), syncs them to disk, in Kafka mode produces
     * them to the dead-letter topic, and counts them in {@value DeliveryMetrics#DEAD_LETTERED}.
     *
     * @param deadLetters lines to write
     * @throws UncheckedIOException when a file cannot be written
     * @throws IllegalStateException in Kafka mode, when the dead-letter topic did not acknowledge the lines
     */
    public synchronized void writeAll(List<DeadLetter> deadLetters) {
        Map<Path, StringBuilder> byFile = new LinkedHashMap<>();
        for (DeadLetter d : deadLetters) {
            Path file = fileFor(d.time().atZone(ZoneOffset.UTC).toLocalDate());
            try {
                byFile.computeIfAbsent(file, f -> new StringBuilder())
                        .append(MAPPER.writeValueAsString(d.toJson())).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (Map.Entry<Path, StringBuilder> e : byFile.entrySet()) {
            append(e.getKey(), e.getValue().toString());
        }
        if (kafka.enabled()) {
            publish(deadLetters);
        }
        for (DeadLetter d : deadLetters) {
            metrics.deadLettered(d.pixelName() == null ? "unknown" : d.pixelName(), d.reason(), 1);
        }
    }

    /** Kafka mode: the same lines to the dead-letter topic, key = pixel code (or name), waiting for acks=all. */
    private void publish(List<DeadLetter> deadLetters) {
        List<Message> records = new ArrayList<>(deadLetters.size());
        for (DeadLetter d : deadLetters) {
            Message m = new DefaultMessage(camelContext);
            m.setHeader(KafkaConstants.KEY, d.pixelCode() != null ? d.pixelCode() : String.valueOf(d.pixelName()));
            try {
                m.setBody(MAPPER.writeValueAsString(d.toJson()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            records.add(m);
        }
        try {
            producer.requestBody(KAFKA_DEAD_LETTERS, records);
        } catch (RuntimeException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot write " + records.size() + " dead letter(s) to Kafka topic "
                    + kafka.deadLetterTopic() + ": " + c.getMessage(), c);
        }
    }

    private Path fileFor(LocalDate day) {
        return config.deadLetterDir().resolve(PREFIX + day + SUFFIX);
    }

    private static void append(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Reads the dead letters that match and were not replayed, oldest file first, in file order.
     * Unreadable lines are skipped with a warning (their line number, never their content).
     *
     * @param filter criteria
     * @param limit  most results; 0 or less for all
     * @return matching dead letters
     */
    public synchronized List<DeadLetter> find(DeadLetterFilter filter, int limit) {
        List<DeadLetter> out = new ArrayList<>();
        Set<String> done = replayed();
        for (Path file : files()) {
            LocalDate day = dayOf(file);
            if (day != null && !filter.mayMatchDay(day)) {
                continue;
            }
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int no = 0;
                while ((line = r.readLine()) != null) {
                    no++;
                    if (line.isBlank()) {
                        continue;
                    }
                    DeadLetter d;
                    try {
                        d = DeadLetter.fromJson(MAPPER.readTree(line));
                    } catch (IOException | RuntimeException e) {
                        LOG.warnf("Skipping unreadable dead-letter line %d of %s", no, file.getFileName());
                        continue;
                    }
                    if (!done.contains(d.id()) && filter.matches(d)) {
                        out.add(d);
                        if (limit > 0 && out.size() >= limit) {
                            return out;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return out;
    }

    /**
     * Marks dead letters as replayed (appends their ids to {@value #REPLAYED_FILE}, synced to disk).
     *
     * @param ids dead-letter ids
     */
    public synchronized void markReplayed(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        ids.forEach(id -> sb.append(id).append('\n'));
        append(config.deadLetterDir().resolve(REPLAYED_FILE), sb.toString());
        replayed().addAll(ids);
    }

    /**
     * Discards dead letters: appends their ids to {@value #DISCARDED_FILE} (synced); they are neither listed nor
     * replayed again. The lines themselves stay in the append-only files.
     *
     * @param ids dead-letter ids
     */
    public synchronized void markDiscarded(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        ids.forEach(id -> sb.append(id).append('\n'));
        append(config.deadLetterDir().resolve(DISCARDED_FILE), sb.toString());
        replayed().addAll(ids);
    }

    /** @return ids replayed or discarded (read once from both files, then kept up to date). */
    private Set<String> replayed() {
        if (replayed == null) {
            Set<String> s = new HashSet<>();
            for (String name : List.of(REPLAYED_FILE, DISCARDED_FILE)) {
                Path f = config.deadLetterDir().resolve(name);
                if (Files.exists(f)) {
                    try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                        lines.map(String::trim).filter(l -> !l.isEmpty()).forEach(s::add);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + f, e);
                    }
                }
            }
            replayed = s;
        }
        return replayed;
    }

    private List<Path> files() {
        Path dir = config.deadLetterDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static LocalDate dayOf(Path file) {
        String n = file.getFileName().toString();
        try {
            return LocalDate.parse(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
    }
}
