package io.github.ttforwarder.mapping;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.github.ttforwarder.hashing.HashingBean;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.EventRejectedException;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.OutboundEvent;

/**
 * Last mapping step: checks the finished {@code data[]} item against TikTok Events API 2.0 types (§2–§4),
 * turns the draft into the {@link OutboundEvent} body for {@code direct:tiktok-deliver}, and records it in the
 * event's outcome. A violation rejects this TikTok event (with the field and why) instead of sending
 * something TikTok would answer with 40002 or 40062.
 *
 * <p>Checked: {@code event} a non-empty string; {@code event_time} a positive integer (seconds);
 * {@code event_id} a string; hashed {@code user} fields 64 lower-case hex characters (never plain text);
 * {@code contents[].price} numbers, {@code quantity} integers &gt; 0, {@code content_id} strings;
 * {@code value} a number.
 */
@ApplicationScoped
@Named("outboundEventValidator")
public class OutboundEventValidator implements Processor {

    private static final String[] HASHED = {"email", "phone", "external_id", "first_name", "last_name", "zip_code"};

    @Override
    public void process(Exchange exchange) {
        TikTokEventDraft d = exchange.getProperty(Headers.DRAFT, TikTokEventDraft.class);
        validate(d.event());
        OutboundEvent out = new OutboundEvent(d.pixel(), d.testEventCode(), d.event());
        d.outcome().getSent().add(new EventOutcome.Sent(d.rule(), out.eventName(), out.eventId(), d.pixel()));
        exchange.getMessage().setBody(out);
        exchange.removeProperty(Headers.DRAFT);
    }

    /**
     * @param event a {@code data[]} item
     * @throws EventRejectedException naming the first field that breaks the Events API 2.0 types
     */
    public void validate(ObjectNode event) {
        JsonNode name = event.get("event");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new EventRejectedException("event", "must be a non-empty string");
        }
        JsonNode time = event.get("event_time");
        if (time == null || !time.isIntegralNumber() || time.asLong() <= 0) {
            throw new EventRejectedException("event_time", "must be Unix seconds as a positive integer");
        }
        JsonNode id = event.get("event_id");
        if (id != null && !id.isTextual()) {
            throw new EventRejectedException("event_id", "must be a string");
        }
        JsonNode user = event.get("user");
        if (user != null) {
            for (String field : HASHED) {
                JsonNode v = user.get(field);
                if (v == null) {
                    continue;
                }
                if (v.isArray()) {
                    for (JsonNode h : v) {
                        checkHash(field, h);
                    }
                } else {
                    checkHash(field, v);
                }
            }
        }
        JsonNode props = event.get("properties");
        if (props != null) {
            JsonNode value = props.get("value");
            if (value != null && !value.isNumber()) {
                throw new EventRejectedException("properties.value", "must be a number");
            }
            JsonNode contents = props.get("contents");
            if (contents != null) {
                int i = 0;
                for (JsonNode c : contents) {
                    String path = "properties.contents." + i++ + ".";
                    if (c.has("content_id") && !c.get("content_id").isTextual()) {
                        throw new EventRejectedException(path + "content_id", "must be a string");
                    }
                    if (c.has("price") && !c.get("price").isNumber()) {
                        throw new EventRejectedException(path + "price", "must be a number");
                    }
                    if (c.has("quantity") && (!c.get("quantity").isIntegralNumber() || c.get("quantity").asLong() <= 0)) {
                        throw new EventRejectedException(path + "quantity", "must be an integer greater than 0");
                    }
                }
            }
        }
    }

    private static void checkHash(String field, JsonNode v) {
        if (!v.isTextual() || !HashingBean.isSha256Hex(v.asText()) || !v.asText().equals(v.asText().toLowerCase())) {
            throw new EventRejectedException("user." + field, "must be a SHA-256 hash (64 lower-case hex characters)");
        }
    }

}
