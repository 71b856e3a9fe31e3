package io.github.ttforwarder.model;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What became of one inbound event; collected per request and reported to the client.
 * Never holds personal data: only event names, ids, pixel names, field paths and reasons.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class EventOutcome {

    /** {@code forwarded}: at least one TikTok event was handed to delivery; {@code deduplicated}: every TikTok
     * event made from it was dropped by local dedup (already delivered or in flight: see {@code deduplicated[]}
     * for their event_ids); {@code rejected}: invalid input, nothing sent; {@code unmatched}: valid, but no rule
     * fired (not an error). */
    public enum Status {
        @JsonProperty("forwarded") FORWARDED,
        @JsonProperty("deduplicated") DEDUPLICATED,
        @JsonProperty("rejected") REJECTED,
        @JsonProperty("unmatched") UNMATCHED
    }

    /** One TikTok event a rule produced from the inbound event. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sent(String rule, String event, @JsonProperty("event_id") String eventId, String pixel) {
    }

    /** One rule's rejection: which field and why. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rejection(String rule, String field, String reason) {
    }

    private final int index;
    private final List<Sent> sent = new ArrayList<>();
    private final List<Sent> deduplicated = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String eventType;

    /** @param index the event's position in its request (0-based) */
    public EventOutcome(int index) {
        this.index = index;
    }

    /** @return the event's position in its request (0-based). */
    public int getIndex() {
        return index;
    }

    /** @return the overall status: forwarded if any rule sent an event, else rejected if any rule or the
     * reader rejected it, else unmatched. */
    public Status getStatus() {
        if (!sent.isEmpty()) {
            return Status.FORWARDED;
        }
        if (!deduplicated.isEmpty() && rejections.isEmpty()) {
            return Status.DEDUPLICATED;
        }
        return rejections.isEmpty() ? Status.UNMATCHED : Status.REJECTED;
    }

    /** @return the event type the rules saw ({@code xdm.eventType} or its classification, or the plain event name). */
    @JsonProperty("event_type")
    public String getEventType() {
        return eventType;
    }

    public void setEventType(String eventType) {
        this.eventType = eventType;
    }

    /** @return the TikTok events produced. */
    public List<Sent> getSent() {
        return sent;
    }

    /** @return the TikTok events made from it that local dedup dropped (already delivered or in flight). */
    public List<Sent> getDeduplicated() {
        return deduplicated;
    }

    /**
     * Delivery dropped one of the TikTok events made from this event as a duplicate: it moves from {@code sent}
     * to {@code deduplicated}.
     *
     * @param eventId the TikTok event's event_id
     * @param pixel   its pixel name
     */
    public synchronized void deduplicated(String eventId, String pixel) {
        Sent s = take(eventId, pixel);
        deduplicated.add(s != null ? s : new Sent(null, null, eventId, pixel));
    }

    /**
     * Delivery did not take one of the TikTok events made from this event (e.g. a replay for a pixel that is
     * still not configured): it leaves {@code sent} and becomes a rejection.
     */
    public synchronized void notSent(String eventId, String pixel, String field, String reason) {
        Sent s = take(eventId, pixel);
        rejections.add(new Rejection(s == null ? null : s.rule(), field, reason));
    }

    private Sent take(String eventId, String pixel) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            Sent s = sent.get(i);
            if (java.util.Objects.equals(s.eventId(), eventId) && java.util.Objects.equals(s.pixel(), pixel)) {
                return sent.remove(i);
            }
        }
        return null;
    }

    /** @return why the event (or one rule's TikTok event) was rejected. */
    public List<Rejection> getRejections() {
        return rejections;
    }

    /** @return fields left out with the reason, e.g. {@code user.phone: not a valid phone number, left out}. */
    public List<String> getWarnings() {
        return warnings;
    }

    /** Adds a warning once (rules firing on the same event repeat them). */
    public void warn(String warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

}
