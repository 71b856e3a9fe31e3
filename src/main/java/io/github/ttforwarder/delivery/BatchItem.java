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
 */
@RegisterForReflection
public record BatchItem(OutboundEvent event, byte[] json, String dedupKey) {
}
