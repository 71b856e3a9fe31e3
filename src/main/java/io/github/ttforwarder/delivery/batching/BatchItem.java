package io.github.ttforwarder.delivery.batching;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.model.OutboundEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event inside a {@link DeliveryBatch}: its {@code data[]} item serialised once as compact JSON (UTF-8), so
 * batch size checks and the request body reuse the same bytes. Only the bytes and a few envelope fields are
 * held (not the Jackson tree): an event waiting in memory costs about its JSON size. The tree is re-read from
 * the bytes only when the event is dead-lettered ({@link #event()}).
 *
 * <p>Terminal state: {@link #done()} is called once the event was delivered, deduplicated or dead-lettered; it
 * completes the Kafka poll's ticket (if any) and releases the event's place in the delivery backlog. Calling it
 * again has no effect. Thread-safe.
 */
@RegisterForReflection
public final class BatchItem {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String pixel;
    private final String testEventCode;
    private final String eventName;
    private final String eventId;
    private final byte[] json;
    private final String dedupKey;
    private final DeliveryTracker.Ticket ticket;
    private final Runnable onDone;
    private final AtomicBoolean finished = new AtomicBoolean();

    /**
     * @param event    the outbound event (pixel name, test_event_code, data[] item)
     * @param json     the {@code data[]} item as compact UTF-8 JSON
     * @param dedupKey the local dedup key (pixel code, event name, event_id), or null when the event has no event_id
     * @param ticket   Kafka mode: the claim on the {@link DeliveryTracker} of the poll the event came from; null
     *                 in embedded mode and for replays
     * @param onDone   called once when the event reaches a terminal state (backlog release), or null
     */
    public BatchItem(OutboundEvent event, byte[] json, String dedupKey, DeliveryTracker.Ticket ticket, Runnable onDone) {
        this.pixel = event.pixel();
        this.testEventCode = event.testEventCode();
        this.eventName = event.eventName();
        this.eventId = event.eventId();
        this.json = json;
        this.dedupKey = dedupKey;
        this.ticket = ticket;
        this.onDone = onDone;
    }

    /** An untracked item (tests). */
    public BatchItem(OutboundEvent event, byte[] json, String dedupKey) {
        this(event, json, dedupKey, null, null);
    }

    /** @return the outbound event, its {@code data[]} item re-read from the JSON bytes (a fresh tree per call). */
    public OutboundEvent event() {
        try {
            return new OutboundEvent(pixel, testEventCode, (ObjectNode) MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the pixel name. */
    public String pixel() {
        return pixel;
    }

    /** @return the envelope's {@code test_event_code}, or null. */
    public String testEventCode() {
        return testEventCode;
    }

    /** @return the event's {@code event} name. */
    public String eventName() {
        return eventName;
    }

    /** @return the event's {@code event_id}, or null. */
    public String eventId() {
        return eventId;
    }

    /** @return the {@code data[]} item as compact UTF-8 JSON. */
    public byte[] json() {
        return json;
    }

    /** @return the local dedup key, or null. */
    public String dedupKey() {
        return dedupKey;
    }

    /** @return the Kafka poll's ticket, or null. */
    public DeliveryTracker.Ticket ticket() {
        return ticket;
    }

    /** Marks the event terminal (delivered, deduplicated or dead-lettered); idempotent. */
    public void done() {
        if (finished.compareAndSet(false, true)) {
            if (ticket != null) {
                ticket.done();
            }
            if (onDone != null) {
                onDone.run();
            }
        }
    }

    /**
     * The event will not reach a terminal state in this process (Kafka mode, stop while a retry waits): the poll
     * is failed so its offsets stay uncommitted; the backlog place is released.
     *
     * @param why short reason (no personal data)
     */
    public void abandon(String why) {
        if (finished.compareAndSet(false, true)) {
            if (ticket != null) {
                ticket.abandon(why);
            }
            if (onDone != null) {
                onDone.run();
            }
        }
    }

    /** @return true when a Kafka poll waits for this event. */
    public boolean tracked() {
        return ticket != null;
    }
}
