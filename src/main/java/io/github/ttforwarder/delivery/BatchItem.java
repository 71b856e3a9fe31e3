package io.github.ttforwarder.delivery;

import io.github.ttforwarder.model.OutboundEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event inside a {@link DeliveryBatch}: the event and its {@code data[]} item serialised once as
 * compact JSON (UTF-8), so batch size checks and the request body reuse the same bytes.
 *
 * @param event    the outbound event as received on {@code direct:tiktok-deliver}
 * @param json     the {@code data[]} item as compact UTF-8 JSON
 * @param dedupKey the local dedup key (pixel code, event name, event_id), or null when the event has no event_id
 * @param ticket   Kafka mode: the claim on the {@link DeliveryTracker} of the poll the event came from, to be
 *                 completed when the event reaches a terminal state; null in embedded mode and for replays
 */
@RegisterForReflection
public record BatchItem(OutboundEvent event, byte[] json, String dedupKey, DeliveryTracker.Ticket ticket) {

    /** An untracked item (embedded mode, replays). */
    public BatchItem(OutboundEvent event, byte[] json, String dedupKey) {
        this(event, json, dedupKey, null);
    }

    /** Marks the event terminal (delivered, deduplicated or dead-lettered) for its tracker, if any. */
    public void done() {
        if (ticket != null) {
            ticket.done();
        }
    }

    /** @return true when a Kafka poll waits for this event. */
    public boolean tracked() {
        return ticket != null;
    }
}
