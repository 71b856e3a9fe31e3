package io.github.ttforwarder.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.delivery.batching.DeliveryTracker;
import io.github.ttforwarder.delivery.deadletter.DeadLetterReason;
import io.github.ttforwarder.delivery.deadletter.DeadLetterStore;
import io.github.ttforwarder.delivery.deadletter.ReplayContext;
import io.github.ttforwarder.mapping.TikTokEventDraft;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.OutboundEvent;

/**
 * Every rejected event becomes an <b>input</b> dead letter ({@link DeadLetterStore#writeInput}: the input event
 * with personal data hashed or removed, the reason and the rule), so a rejection is never only an answer the
 * client may ignore, and a replay can run the input through the rules and mapping again once the rule or the
 * pixel is fixed. Reason source {@value DeadLetterReason#VALIDATION}; code = the rejected field, {@code rule-failed}
 * (a rule's own steps failed) or {@code unknown-pixel} (the rule or input named a pixel that is not configured).
 * In Kafka mode the line also goes to the dead-letter topic before the record's offset may be committed.
 *
 * <p>Never a pixel the input did not name: the letter's pixel is the one the rule or input named, or none.
 * During a replay (exchange property {@value Delivery#REPLAY}) nothing is written: the problem is reported to the
 * replay and the original letter stays replayable. Without the input event (a Kafka record that is no event at
 * all) the letter points at the record ({@code {"source":{"record","index"}}}) and is not replayable.
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
     * Records a rejected event as an input dead letter (or, during a replay, reports it to the replay).
     *
     * @param exchange the rule's exchange (properties {@value Headers#INBOUND_EVENT}, {@value Headers#DRAFT},
     *                 {@value Headers#RULE_ID} are used when present)
     * @param code     short code: the rejected field, {@code rule-failed}, or {@code rejected}
     * @param message  why, without personal data
     * @throws IllegalStateException when the dead letter cannot be written (the poll is then not committed)
     */
    public void rejected(Exchange exchange, String code, String message) {
        ReplayContext replay = exchange.getProperty(Delivery.REPLAY, ReplayContext.class);
        if (replay != null) {
            replay.problem(code + ": " + message);
            return;
        }
        if ("pixel".equals(code)) {
            code = "unknown-pixel";
        }
        TikTokEventDraft draft = exchange.getProperty(Headers.DRAFT, TikTokEventDraft.class);
        InboundEvent input = exchange.getProperty(Headers.INBOUND_EVENT, InboundEvent.class);
        String rule = exchange.getProperty(Headers.RULE_ID, String.class);
        String pixel = draft == null ? null : draft.pixel();
        String tec = draft == null ? null : draft.testEventCode();
        DeadLetterReason reason = new DeadLetterReason(DeadLetterReason.VALIDATION, code, message, null);
        if (input != null) {
            store.writeInput(input, reason, rule, pixel, tec);
        } else {
            store.write(new OutboundEvent(pixel, tec, sourceStub(exchange.getProperty(SOURCE, String.class), -1)),
                    reason, 0);
        }
        LOG.warnf("Dead-lettered a rejected event: %s: %s", code, message);
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
        store.write(new OutboundEvent(null, null, sourceStub(source, index)),
                new DeadLetterReason(DeadLetterReason.VALIDATION, code, message, null), 0);
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
