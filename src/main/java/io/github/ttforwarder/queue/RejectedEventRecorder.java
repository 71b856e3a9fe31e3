package io.github.ttforwarder.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.DeadLetterReason;
import io.github.ttforwarder.delivery.DeadLetterStore;
import io.github.ttforwarder.delivery.DeliveryTracker;
import io.github.ttforwarder.mapping.TikTokEventDraft;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.OutboundEvent;

/**
 * Every rejected event becomes a dead letter (reason source {@value DeadLetterReason#VALIDATION}, 0 attempts), so a
 * rejection is never only an answer the client may ignore: in the local file, and in Kafka mode (where no HTTP
 * client is told at all) on the dead-letter topic too, before the record's offset may be committed.
 *
 * <p>The dead letter's {@code event} is what the mapping had built when it stopped (the TikTok draft: personal
 * data already hashed, never plain text), or, when no draft exists (unreadable record, unknown shape, a rule
 * failed), {@code {"source":{"topic","partition","offset","index"}}} pointing at the record. Exchanges without a
 * {@link DeliveryTracker} come from HTTP ingest in embedded mode: their client gets the reason as well.
 */
@ApplicationScoped
@Named("rejectedEventRecorder")
public class RejectedEventRecorder {

    /** Exchange property: where the event came from, {@code topic/partition/offset}. */
    public static final String SOURCE = "ForwarderKafkaSource";

    private static final Logger LOG = Logger.getLogger(RejectedEventRecorder.class);

    @Inject
    DeadLetterStore store;

    /**
     * Records a rejected TikTok event as a dead letter.
     *
     * @param exchange the rule's exchange (property {@value Headers#DRAFT} may hold the draft)
     * @param code     short code: the rejected field, or {@code rejected}
     * @param message  why, without personal data
     * @throws IllegalStateException when the dead letter cannot be written (the poll is then not committed)
     */
    public void rejected(Exchange exchange, String code, String message) {
        TikTokEventDraft draft = exchange.getProperty(Headers.DRAFT, TikTokEventDraft.class);
        String pixel = draft == null || draft.pixel() == null ? PixelRegistry.DEFAULT : draft.pixel();
        String tec = draft == null ? null : draft.testEventCode();
        ObjectNode event = draft == null ? sourceStub(exchange.getProperty(SOURCE, String.class), -1) : draft.event();
        record(new OutboundEvent(pixel, tec, event), code, message);
    }

    /**
     * Records an inbound event that a rule failed on, so it can be replayed once the rule is fixed: the dead
     * letter's {@code event} is {@code {"input":{"format","endpoint","index","event"}}} (+ {@code source} in Kafka
     * mode), with the event's personal data already hashed by the caller.
     *
     * @param exchange the rule's exchange
     * @param inbound  the event
     * @param redacted the event body, personal data hashed or removed
     * @param code     short code, e.g. {@code rule-failed}
     * @param message  why, without personal data
     */
    public void input(Exchange exchange, io.github.ttforwarder.model.InboundEvent inbound, ObjectNode redacted,
            String code, String message) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ObjectNode in = n.putObject("input");
        in.put("format", inbound.format().label());
        if (inbound.context() != null) {
            in.put("endpoint", inbound.context().endpoint());
            in.put("request_id", inbound.context().requestId());
        }
        in.put("index", inbound.index());
        in.set("event", redacted);
        String source = exchange.getProperty(SOURCE, String.class);
        if (source != null) {
            n.putObject("source").put("record", source);
        }
        record(new OutboundEvent(PixelRegistry.DEFAULT, null, n), code, message);
    }

    /**
     * Records a Kafka record (or one element of it) that is no event at all.
     *
     * @param source  {@code topic/partition/offset}
     * @param index   element index inside the record, or -1 for the whole record
     * @param code    short code, e.g. {@code unreadable-record}
     * @param message why, without personal data
     */
    public void unreadable(String source, int index, String code, String message) {
        record(new OutboundEvent(PixelRegistry.DEFAULT, null, sourceStub(source, index)), code, message);
    }

    private void record(OutboundEvent event, String code, String message) {
        store.write(event, new DeadLetterReason(DeadLetterReason.VALIDATION, code, message, null), 0);
        LOG.warnf("Dead-lettered a rejected event: %s: %s", code, message);
    }

    private static ObjectNode sourceStub(String source, int index) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ObjectNode s = n.putObject("source");
        s.put("record", source);
        if (index >= 0) {
            s.put("index", index);
        }
        return n;
    }
}
