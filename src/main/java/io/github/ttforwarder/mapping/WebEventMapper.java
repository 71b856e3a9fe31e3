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
import io.github.ttforwarder.delivery.Durations;
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
 *     {@link EventTimeParser}; absent → the time the request was received (with a warning); unreadable, older
 *     than {@code forwarder.event-time.max-age} or later than {@code forwarder.event-time.max-future-skew} (both
 *     from the time received) → rejected.</li>
 * <li>{@code event_id} (always a JSON string, byte for byte — TikTok Events API 2.0): plain
 *     {@code event_id}; XDM {@code data.tiktok.eventId}, else {@code xdm._id}, else for purchases the order id
 *     ({@code commerce.order.purchaseID}, {@code order.orderID}).</li>
 * <li>{@code limited_data_use} (boolean): plain {@code limited_data_use} / XDM {@code data.tiktok.limitedDataUse};
 *     read by {@link FieldContract#flag} — any value that is no spelling of true/false rejects the event.</li>
 * <li>pixel: {@code tiktok.pixel} / plain {@code pixel} / XDM {@code data.tiktok.pixel}; else the default
 *     pixel. An unknown pixel name, or a value that is no string or blank → rejected.</li>
 * <li>{@code test_event_code}: {@code tiktok.test_event_code} / plain {@code test_event_code} / XDM
 *     {@code data.tiktok.testEventCode} / {@code tiktok.test-event-code} configuration; not a string → rejected.</li>
 * </ul>
 */
@ApplicationScoped
@Named("webEventMapper")
public class WebEventMapper implements Processor {

    /** Bounds of any event_time, whatever the configured window (found by IngestFuzzTest: 17644 passed a wide window). */
    private static final long SANE_MIN = 1_000_000_000L;
    private static final long SANE_MAX = 4_000_000_000L;

    private final PixelRegistry pixels;
    private final String configuredTestEventCode;
    private final String maxAgeText;
    private final String maxFutureSkewText;
    private final long maxAgeSeconds;
    private final long maxFutureSkewSeconds;

    /** With the default event_time window (28d back, 5m ahead): tools and benchmarks. */
    public WebEventMapper(PixelRegistry pixels, java.util.Optional<String> testEventCode) {
        this(pixels, testEventCode, "28d", "5m");
    }

    /**
     * @param maxAge        {@code forwarder.event-time.max-age}: oldest accepted event_time, before the time the
     *                      request was received (durations as {@link Durations#parse})
     * @param maxFutureSkew {@code forwarder.event-time.max-future-skew}: latest accepted event_time after it
     */
    @jakarta.inject.Inject
    public WebEventMapper(PixelRegistry pixels,
            @ConfigProperty(name = "tiktok.test-event-code") java.util.Optional<String> testEventCode,
            @ConfigProperty(name = "forwarder.event-time.max-age", defaultValue = "28d") String maxAge,
            @ConfigProperty(name = "forwarder.event-time.max-future-skew", defaultValue = "5m") String maxFutureSkew) {
        this.pixels = pixels;
        this.configuredTestEventCode = testEventCode.map(String::trim).orElse("");
        this.maxAgeText = maxAge.trim();
        this.maxFutureSkewText = maxFutureSkew.trim();
        this.maxAgeSeconds = Durations.parse("forwarder.event-time.max-age", maxAge).toSeconds();
        this.maxFutureSkewSeconds = Durations.parse("forwarder.event-time.max-future-skew", maxFutureSkew).toSeconds();
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
                    && name.regionMatches(true, 0, Headers.OVERRIDE_PREFIX, 0, Headers.OVERRIDE_PREFIX.length())
                    && !unset(h.getValue())) {
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

    /**
     * An override that came out null, an empty or blank string, or an empty list/map means "not set": the field's
     * default source is used, exactly as if the rule had not set it (like Adobe's data elements).
     */
    static boolean unset(Object value) {
        return value == null || value instanceof CharSequence cs && cs.toString().isBlank()
                || value instanceof java.util.Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty();
    }

    void map(TikTokEventDraft d) {
        Map<String, Object> src = d.source();
        boolean xdm = d.isXdm();

        String event = d.hasOverride("event") ? Values.text(d.override("event"))
                : xdm ? null : FieldContract.requiredText("event", src.get("event"));
        if (event != null) {
            event = FieldContract.requiredText("event", event);
        }
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
                long seconds = EventTimeParser.toEpochSeconds(toNode(time), timeField);
                checkWindow(seconds, d.context().receivedAt(), timeField);
                d.event().put("event_time", seconds);
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
        Boolean limited = FieldContract.flag(d.hasOverride("limited_data_use") || !xdm ? "limited_data_use"
                : "data.tiktok.limitedDataUse", ldu);
        if (limited != null) {
            d.event().put("limited_data_use", limited.booleanValue());
        }

        String pixel = d.hasOverride("pixel") ? Values.text(d.override("pixel"))
                : xdm ? FieldContract.selector("data.tiktok.pixel", Values.get(d.data(), "tiktok", "pixel"), false)
                : FieldContract.selector("pixel", src.get("pixel"), false);
        if (pixels.find(pixel).isEmpty()) {
            String personalPixel = io.github.ttforwarder.security.PersonalData.kind(pixel);
            throw new EventRejectedException("pixel", personalPixel != null
                    ? "looks like " + personalPixel + ", not a pixel name; no such pixel is configured"
                    : "no pixel named '" + pixel + "' is configured (tiktok.pixels." + pixel + ".code)");
        }
        d.pixel(pixel == null ? PixelRegistry.DEFAULT : pixel);

        String test = d.hasOverride("test_event_code") ? Values.text(d.override("test_event_code"))
                : xdm ? FieldContract.selector("data.tiktok.testEventCode", Values.get(d.data(), "tiktok", "testEventCode"), true)
                : FieldContract.selector("test_event_code", src.get("test_event_code"), true);
        if (test == null && !configuredTestEventCode.isEmpty()) {
            test = configuredTestEventCode;
        }
        d.testEventCode(test);
    }

    private static String eventId(TikTokEventDraft d, String event) {
        if (!d.isXdm()) {
            return FieldContract.id(d, "event_id", d.source().get("event_id"));
        }
        String id = FieldContract.id(d, "data.tiktok.eventId", Values.get(d.data(), "tiktok", "eventId"));
        if (id == null) {
            id = FieldContract.id(d, "xdm._id", Values.get(d.xdm(), "_id"));
        }
        if (id == null && isPurchase(event)) {
            id = FieldContract.id(d, "xdm.commerce.order.purchaseID", Values.get(d.xdm(), "commerce", "order", "purchaseID"));
            if (id == null) {
                id = FieldContract.id(d, "xdm.order.orderID", Values.get(d.xdm(), "order", "orderID"));
            }
        }
        return id;
    }

    /**
     * @throws EventRejectedException when the time is older than {@code forwarder.event-time.max-age} or later than
     *                                {@code forwarder.event-time.max-future-skew}, both counted from the time the
     *                                request was received
     */
    private void checkWindow(long seconds, long receivedAt, String field) {
        if (seconds < receivedAt - maxAgeSeconds) {
            throw new EventRejectedException(field, "more than " + maxAgeText + " before the time received "
                    + "(forwarder.event-time.max-age); TikTok would refuse it");
        }
        if (seconds > receivedAt + maxFutureSkewSeconds) {
            throw new EventRejectedException(field, "more than " + maxFutureSkewText + " after the time received "
                    + "(forwarder.event-time.max-future-skew): a clock or unit mistake");
        }
        // only reached with a widened window: outside 1e9..4e9 s there is no Unix time in seconds TikTok takes
        if (seconds < SANE_MIN || seconds > SANE_MAX) {
            // whatever the window: 1e9..4e9 s is 2001-09-09..2096-10-02; outside it is no Unix time in seconds
            throw new EventRejectedException(field, "not a Unix time in seconds between 2001-09-09 and 2096-10-02 "
                    + "(1000000000..4000000000)");
        }
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
