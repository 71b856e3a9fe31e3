package io.github.ttforwarder.model;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event read from an inbound request, before any rule looked at it.
 *
 * @param index   position of the event in its request (0-based; the {@code events[]} index for batches)
 * @param format  {@link Format#XDM} for Adobe events (body shape {@code {"xdm": {...}, "data": {...}}}, XDM keys
 *                without their {@code xdm:} prefix) or {@link Format#PLAIN} for the forwarder's own plain
 *                event shape ({@code {"event", "event_time", "user", "page", "properties", ...}})
 * @param body    the event as parsed JSON (maps, lists, strings, numbers, booleans); rules read it with
 *                {@code simple} ({@code ${body[xdm][eventType]}}) or {@code jsonpath} ({@code $.xdm.eventType})
 * @param context the request it came in
 */
@RegisterForReflection
public record InboundEvent(int index, Format format, Map<String, Object> body, RequestContext context) {

    /** The two event shapes the rules see. */
    public enum Format {
        /** An Adobe Experience Platform event: {@code {"xdm": {...}, "data": {...}}}. */
        XDM,
        /** A plain event with the seed extension's fields. */
        PLAIN;

        /** @return the lower-case name used in the {@code ForwarderInputFormat} header ({@code xdm}, {@code plain}). */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
