package io.github.ttforwarder.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An inbound event that cannot become a valid TikTok event. Nothing is sent for it; the reason is
 * reported to the client (RFC 7807 problem details) and counted. The message never contains
 * plain-text personal data.
 */
@RegisterForReflection
public class EventRejectedException extends RuntimeException {

    private final String field;

    /**
     * @param field  the offending field, as a dotted path of the inbound event (e.g. {@code event_time})
     *               or of the outbound TikTok event, or null when no single field is to blame
     * @param reason why, in plain words, without personal data
     */
    public EventRejectedException(String field, String reason) {
        super(field == null ? reason : field + ": " + reason, null, false, false);
        this.field = field;
    }

    /** @return the offending field's path, or null. */
    public String field() {
        return field;
    }
}
