package io.github.ttforwarder.mapping;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.EventRejectedException;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent.Format;
import io.github.ttforwarder.model.RequestContext;
import io.github.ttforwarder.model.Values;

/**
 * Mapping, group 1 of 3: the web event parameters. Starts the {@link TikTokEventDraft} (exchange property
 * {@value Headers#DRAFT}) and fills {@code event}, {@code event_time}, {@code event_id},
 * {@code limited_data_use}, and the envelope's pixel and {@code test_event_code}.
 *
 * <p>Sources, first found wins (rule override header {@code tiktok.<field>} always first):
 * <ul>
 * <li>{@code event}: the rule's {@code tiktok.event}; for plain events their {@code event}. Missing →
 *     rejected (TikTok Events API 2.0: event is required).</li>
 * <li>{@code event_time} (Unix <b>seconds</b>): plain {@code event_time} / XDM {@code xdm.timestamp}, read by
 *     {@link EventTimeParser}; absent → the time the request was received (with a warning); unreadable →
 *     rejected.</li>
 * <li>{@code event_id} (always a JSON string, byte for byte — TikTok Events API 2.0): plain
 *     {@code event_id}; XDM {@code data.tiktok.eventId}, else {@code xdm._id}, else for purchases the order id
 *     ({@code commerce.order.purchaseID}, {@code order.orderID}).</li>
 * <li>{@code limited_data_use} (boolean): plain {@code limited_data_use} / XDM {@code data.tiktok.limitedDataUse}.</li>
 * <li>pixel: {@code tiktok.pixel} / plain {@code pixel} / XDM {@code data.tiktok.pixel}; else the default
 *     pixel. An unknown pixel name → rejected.</li>
 * <li>{@code test_event_code}: {@code tiktok.test_event_code} / plain {@code test_event_code} / XDM
 *     {@code data.tiktok.testEventCode} / {@code tiktok.test-event-code} configuration.</li>
 * </ul>
 */
@ApplicationScoped
@Named("webEventMapper")
public class WebEventMapper implements Processor {

    private final PixelRegistry pixels;
    private final String configuredTestEventCode;

    public WebEventMapper(PixelRegistry pixels,
            @ConfigProperty(name = "tiktok.test-event-code") java.util.Optional<String> testEventCode) {
        this.pixels = pixels;
        this.configuredTestEventCode = testEventCode.map(String::trim).orElse("");
    }

    @Override
    public void process(Exchange exchange) {
        TikTokEventDraft draft = start(exchange);
        exchange.setProperty(Headers.DRAFT, draft);
        map(draft);
    }

    /** Creates the draft from the exchange of a rule: body, {@code tiktok.*} headers, properties. */
    @SuppressWarnings("unchecked")
    static TikTokEventDraft start(Exchange exchange) {
        Map<String, Object> overrides = new HashMap<>();
        for (Map.Entry<String, Object> h : exchange.getMessage().getHeaders().entrySet()) {
            String name = h.getKey();
            if (name.length() > Headers.OVERRIDE_PREFIX.length()
                    && name.regionMatches(true, 0, Headers.OVERRIDE_PREFIX, 0, Headers.OVERRIDE_PREFIX.length())) {
                overrides.put(name.substring(Headers.OVERRIDE_PREFIX.length()), h.getValue());
            }
        }
        Format format = exchange.getProperty(Headers.FORMAT, Format.class);
        EventOutcome outcome = exchange.getProperty(Headers.OUTCOME, EventOutcome.class);
        RequestContext context = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        String rule = exchange.getProperty(Headers.RULE_ID, String.class);
        Map<String, Object> body = exchange.getMessage().getBody(Map.class);
        return new TikTokEventDraft(format, body, context, overrides, outcome, rule);
    }

    void map(TikTokEventDraft d) {
        Map<String, Object> src = d.source();
        boolean xdm = d.isXdm();

        String event = d.hasOverride("event") ? Values.text(d.override("event")) : xdm ? null : Values.text(src.get("event"));
        if (event == null) {
            throw new EventRejectedException("event", xdm
                    ? "missing: the rule must set the TikTok event name (header tiktok.event)"
                    : "missing: a plain event needs its TikTok event name");
        }
        String personal = io.github.ttforwarder.security.PersonalData.kind(event);
        if (personal != null) {
            throw new EventRejectedException("event", "looks like " + personal + ": personal data is never sent as an event name");
        }
        d.event().put("event", event);

        Object time = d.hasOverride("event_time") ? d.override("event_time")
                : xdm ? Values.get(d.xdm(), "timestamp") : src.get("event_time");
        String timeField = d.hasOverride("event_time") ? "event_time" : xdm ? "xdm.timestamp" : "event_time";
        String eventId = d.hasOverride("event_id") ? idText(d.override("event_id")) : eventId(d, event);
        if (time == null || (time instanceof String s && s.isBlank())) {
            d.event().put("event_time", d.context().receivedAt());
            d.warn("event_time", "missing, the time the request was received is used");
        } else {
            try {
                d.event().put("event_time", EventTimeParser.toEpochSeconds(toNode(time), timeField));
            } catch (EventRejectedException e) {
                if (eventId != null) {
                    d.event().put("event_id", eventId); // the dead letter names the event
                }
                throw e;
            }
        }
        if (eventId != null) {
            d.event().put("event_id", eventId);
        }

        Object ldu = d.hasOverride("limited_data_use") ? d.override("limited_data_use")
                : xdm ? Values.get(d.data(), "tiktok", "limitedDataUse") : src.get("limited_data_use");
        if (ldu != null) {
            if (ldu instanceof Boolean || ldu instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
                d.event().put("limited_data_use", Values.truthy(ldu));
            } else {
                d.warn("limited_data_use", "not a boolean, left out");
            }
        }

        String pixel = d.hasOverride("pixel") ? Values.text(d.override("pixel"))
                : xdm ? Values.text(d.data(), "tiktok", "pixel") : Values.text(src.get("pixel"));
        if (pixels.find(pixel).isEmpty()) {
            String personalPixel = io.github.ttforwarder.security.PersonalData.kind(pixel);
            throw new EventRejectedException("pixel", personalPixel != null
                    ? "looks like " + personalPixel + ", not a pixel name; no such pixel is configured"
                    : "no pixel named '" + pixel + "' is configured (tiktok.pixels." + pixel + ".code)");
        }
        d.pixel(pixel == null ? PixelRegistry.DEFAULT : pixel);

        String test = d.hasOverride("test_event_code") ? Values.text(d.override("test_event_code"))
                : xdm ? Values.text(d.data(), "tiktok", "testEventCode") : Values.text(src.get("test_event_code"));
        if (test == null && !configuredTestEventCode.isEmpty()) {
            test = configuredTestEventCode;
        }
        d.testEventCode(test);
    }

    private static String eventId(TikTokEventDraft d, String event) {
        if (!d.isXdm()) {
            return idText(d.source().get("event_id"));
        }
        String id = idText(Values.get(d.data(), "tiktok", "eventId"));
        if (id == null) {
            id = idText(Values.get(d.xdm(), "_id"));
        }
        if (id == null && isPurchase(event)) {
            id = Values.text(d.xdm(), "commerce", "order", "purchaseID");
            if (id == null) {
                id = Values.text(d.xdm(), "order", "orderID");
            }
        }
        return id;
    }

    /** TikTok Events API 2.0: event_id is a string and is never altered: strings go out byte for byte, numbers as their digits. */
    private static String idText(Object value) {
        if (value instanceof String s) {
            return s.isBlank() ? null : s;
        }
        return Values.text(value);
    }

    private static boolean isPurchase(String event) {
        return event.equals("Purchase") || event.equals("CompletePayment") || event.equals("PlaceAnOrder");
    }

    private static JsonNode toNode(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof String s) {
            return f.textNode(s);
        }
        if (value instanceof Integer i) {
            return f.numberNode(i);
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof java.math.BigDecimal bd) {
            return f.numberNode(bd);
        }
        if (value instanceof java.math.BigInteger bi) {
            return f.numberNode(bi);
        }
        if (value instanceof Number n) {
            return f.numberNode(n.doubleValue());
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof java.time.temporal.TemporalAccessor || value instanceof java.util.Date) {
            return f.textNode(value instanceof java.util.Date date ? date.toInstant().toString() : value.toString());
        }
        return f.objectNode();
    }
}
