package io.github.ttforwarder.transport;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.delivery.DeliveryConfig;
import io.github.ttforwarder.delivery.batching.DeliveryTracker;
import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.RequestContext;
import io.github.ttforwarder.queue.RejectedEventRecorder;

/**
 * Handles one message of a bus ingest endpoint ({@link BusIngestRoutes}) and returns only when every TikTok event
 * made from it reached a terminal state — delivered, deduplicated or dead-lettered — exactly as Kafka mode's
 * consumer does before it commits ({@link DeliveryTracker}). The consumer then acknowledges the message (commits
 * the JMS transaction, moves the file to {@code .done}); any exception leaves it unacknowledged.
 *
 * <ol>
 * <li>The message is read once without sending anything ({@link MessageReader}); if any part of it cannot be read
 *     it is refused whole ({@link UnreadableMessageException}); a local file is first moved to the endpoint's
 *     error folder with {@code <file>.reason.txt}.</li>
 * <li>It is read again and each event goes through {@code direct:offer-to-rules} (rules, mapping,
 *     {@code direct:tiktok-deliver}) — the entry the Kafka ingest topic uses — carrying one tracker for the
 *     message; rejected events are dead-lettered with source {@code <endpoint>/<message id>}.</li>
 * <li>Before the second read the thread waits while the delivery backlog is at its bound
 *     ({@code forwarder.backlog.max-events}), as the Kafka consumer does.</li>
 * <li>The tracker is sealed and awaited (at most {@code forwarder.retry.max-elapsed} + 60 s).</li>
 * </ol>
 *
 * @throws UnreadableMessageException (from the processor) when the message cannot be read whole
 * @throws IllegalStateException      when not every event reached a terminal state (stop, timeout, dead letter not
 *                                    written): the message is not acknowledged and will be consumed again
 */
@ApplicationScoped
public class BusMessageProcessor {

    private static final Logger LOG = Logger.getLogger(BusMessageProcessor.class);

    @Inject
    CamelContext camelContext;

    @Inject
    ProducerTemplate producer;

    @Inject
    DeliveryConfig config;

    @Inject
    Delivery delivery;

    private final MessageReader reader;

    /**
     * @param bodyReader the HTTP ingest's body reader
     * @param mapper     the application's Jackson mapper
     */
    public BusMessageProcessor(InboundBodyReader bodyReader, ObjectMapper mapper) {
        this.reader = new MessageReader(bodyReader, mapper);
    }

    /** @return the processor of one endpoint's messages */
    public Processor forEndpoint(IngestEndpoint endpoint) {
        return exchange -> process(endpoint, exchange);
    }

    void process(IngestEndpoint endpoint, Exchange exchange) throws IOException {
        long start = System.currentTimeMillis();
        Message in = exchange.getMessage();
        Path file = localFile(in);
        String id = file != null ? file.getFileName().toString() : messageId(exchange);
        String source = endpoint.name() + "/" + id;
        RequestContext ctx = new RequestContext(source, "bus:" + endpoint.name(), null, null, null, start / 1000);
        MessageReader.Source content = content(in, file);

        MessageReader.Result check = reader.read(endpoint, content, ctx, e -> { });
        if (check.problemCount() > 0) {
            String reason = reason(endpoint, id, check);
            if (file != null) {
                moveToErrorFolder(endpoint, file, reason);
            }
            LOG.warnf("Endpoint %s: refused %s: %d part(s) cannot be read, first: %s", endpoint.name(), id,
                    check.problemCount(), check.problems().get(0));
            throw new UnreadableMessageException(source + ": " + check.problemCount() + " part(s) cannot be read, first: "
                    + check.problems().get(0));
        }
        if (!check.ignoredColumns().isEmpty()) {
            LOG.infof("Endpoint %s: %s: CSV columns that fill no event field were ignored: %s", endpoint.name(), id,
                    check.ignoredColumns());
        }

        // Backpressure, as the Kafka consumer: while the delivery backlog is at forwarder.backlog.max-events this
        // consumer thread waits (at most a minute) before it adds the message's events.
        delivery.awaitCapacity(60_000L);
        DeliveryTracker tracker = new DeliveryTracker();
        MessageReader.Result sent = reader.read(endpoint, content, ctx, event -> offer(event, tracker, source));
        tracker.seal();
        if (sent.problemCount() > 0 || sent.events() != check.events()) {
            throw new IllegalStateException(source + " changed while it was read (" + check.events() + " then "
                    + sent.events() + " events)");
        }
        tracker.await(config.retryMaxElapsedMs() + 60_000L);
        LOG.debugf("Endpoint %s: %s done: %d event(s) delivered, deduplicated or dead-lettered in %d ms", endpoint.name(),
                id, sent.events(), System.currentTimeMillis() - start);
    }

    private void offer(InboundEvent event, DeliveryTracker tracker, String source) {
        Exchange ex = new DefaultExchange(camelContext);
        ex.getIn().setBody(event);
        ex.setProperty(DeliveryTracker.PROPERTY, tracker);
        ex.setProperty(RejectedEventRecorder.SOURCE, source);
        producer.send("direct:offer-to-rules", ex);
        if (ex.getException() != null) {
            throw new IllegalStateException("event " + event.index() + " of " + source + " failed: "
                    + ex.getException().getClass().getSimpleName(), ex.getException());
        }
    }

    /** The body, readable twice: a local file is opened again; anything else is read into memory once. */
    private static MessageReader.Source content(Message in, Path file) {
        if (file != null) {
            return () -> Files.newInputStream(file);
        }
        Object body = in.getBody();
        byte[] bytes = body instanceof byte[] b ? b
                : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : in.getBody(byte[].class);
        byte[] content = bytes == null ? new byte[0] : bytes;
        return () -> new ByteArrayInputStream(content);
    }

    /** @return the local file a file: consumer handed over, or null */
    private static Path localFile(Message in) {
        if (in.getBody() instanceof GenericFile<?> gf && gf.getFile() instanceof File f) {
            return f.toPath();
        }
        return null;
    }

    private static String messageId(Exchange exchange) {
        String jms = exchange.getMessage().getHeader("JMSMessageID", String.class);
        return jms != null ? jms : exchange.getMessage().getMessageId();
    }

    private static String reason(IngestEndpoint endpoint, String id, MessageReader.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(id).append(" could not be read as ").append(endpoint.format().name().toLowerCase(java.util.Locale.ROOT))
                .append(" (endpoint ").append(endpoint.name()).append(", ").append(Instant.now())
                .append("); nothing of it was forwarded. Fix it and drop it again.\n");
        sb.append(r.problems().stream().map(Object::toString).collect(Collectors.joining("\n")));
        if (r.problemCount() > r.problems().size()) {
            sb.append("\n… and ").append(r.problemCount() - r.problems().size()).append(" more");
        }
        return sb.append('\n').toString();
    }

    /** Moves the file to {@code <its folder>/<error-folder>/} and writes {@code <name>.reason.txt} beside it. */
    private static void moveToErrorFolder(IngestEndpoint endpoint, Path file, String reason) {
        try {
            Path folder = Path.of(endpoint.errorFolder());
            Path dir = folder.isAbsolute() ? folder : file.toAbsolutePath().getParent().resolve(folder);
            Files.createDirectories(dir);
            String name = file.getFileName().toString();
            Path target = dir.resolve(name);
            if (Files.exists(target)) {
                name = name + "." + System.currentTimeMillis();
                target = dir.resolve(name);
            }
            Files.writeString(dir.resolve(name + ".reason.txt"), reason, StandardCharsets.UTF_8);
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(file, target); // another file system
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move unreadable " + file + " to " + endpoint.errorFolder(), e);
        }
    }
}
