package io.github.ttforwarder.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One mapped, hashed and validated TikTok event on its way to delivery: the body that
 * {@code direct:tiktok-deliver} receives.
 *
 * @param pixel         name of the pixel to send to (see {@link io.github.ttforwarder.config.PixelRegistry}),
 *                      already checked to exist
 * @param testEventCode the {@code test_event_code} for the request envelope, or null (TikTok Events API 2.0:
 *                      envelope level only, never inside {@code data[]})
 * @param event         the {@code data[]} item exactly as it is sent: {@code event}, {@code event_time}
 *                      (Unix seconds), {@code event_id} (string), {@code user} (personal data already
 *                      SHA-256 hashed), {@code page}, {@code properties}, {@code limited_data_use}
 */
@RegisterForReflection
public record OutboundEvent(String pixel, String testEventCode, ObjectNode event) {

    /** @return the event's {@code event} name. */
    public String eventName() {
        return event.path("event").asText(null);
    }

    /** @return the event's {@code event_id}, or null when it has none. */
    public String eventId() {
        return event.hasNonNull("event_id") ? event.get("event_id").asText() : null;
    }
}
