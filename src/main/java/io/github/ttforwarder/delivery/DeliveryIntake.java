package io.github.ttforwarder.delivery;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.model.OutboundEvent;

/**
 * First step of {@code direct:tiktok-deliver}: checks the {@link OutboundEvent}, serialises its
 * {@code data[]} item once, and sets the correlation headers.
 *
 * <ul>
 * <li>Body in: {@link OutboundEvent}; body out: {@link BatchItem}.</li>
 * <li>Header {@value DeliveryRoutes#HEADER_BATCH_KEY}: pixel name + test_event_code (the batch group; event_source is always web).</li>
 * <li>Header {@value DeliveryRoutes#HEADER_DEDUP_KEY}: pixel code + {@code event} + {@code event_id} (TikTok Events API 2.0 §7
 * dedup key), absent when the event has no {@code event_id} (such events are not deduplicated).</li>
 * <li>{@code test_event_code} and {@code partner_name} found inside the item are removed (TikTok Events API 2.0 §2:
 * test_event_code is envelope-only; partner_name is never sent).</li>
 * <li>Unknown pixel: the event is dead-lettered ({@code unknown-pixel}) and the route stops — never a silent drop.</li>
 * <li>Kafka mode: an exchange carrying a {@link DeliveryTracker} (property {@value DeliveryTracker#PROPERTY})
 * registers the event with it; the item's ticket is completed when the event reaches a terminal state.</li>
 * </ul>
 *
 * @throws IllegalArgumentException (from {@link #accept}) when the body is not an OutboundEvent with an event object
 */
@ApplicationScoped
@Named("deliveryIntake")
public class DeliveryIntake {

    private static final Logger LOG = Logger.getLogger(DeliveryIntake.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    PixelRegistry pixels;

    @Inject
    DeadLetterStore deadLetters;

    @Inject
    DeliveryMetrics metrics;

    /**
     * @param exchange exchange whose body is an {@link OutboundEvent}
     * @throws IllegalArgumentException when the body is not an OutboundEvent with an event object
     */
    public void accept(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (!(body instanceof OutboundEvent in) || in.event() == null) {
            throw new IllegalArgumentException("direct:tiktok-deliver expects an OutboundEvent with an event, got "
                    + (body == null ? "null" : body.getClass().getName()));
        }
        Optional<Pixel> pixel = pixels.find(in.pixel());
        if (pixel.isEmpty()) {
            deadLetters.write(in, DeadLetterReason.forwarder("unknown-pixel",
                    "pixel " + in.pixel() + " is not configured", null), 0);
            LOG.warnf("Dead-lettered event %s event_id %s: pixel %s is not configured", in.eventName(), in.eventId(),
                    in.pixel());
            exchange.setRouteStop(true);
            return;
        }
        Pixel p = pixel.get();
        ObjectNode item = in.event();
        if (item.has("test_event_code") || item.has("partner_name")) {
            item = item.deepCopy();
            item.remove("test_event_code");
            item.remove("partner_name");
        }
        String tec = in.testEventCode() == null || in.testEventCode().isBlank() ? null : in.testEventCode().trim();
        OutboundEvent ev = new OutboundEvent(p.name(), tec, item);
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(item);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be serialised: " + e.getOriginalMessage());
        }
        String dedupKey = ev.eventId() == null ? null
                : (p.code().isBlank() ? "name:" + p.name() : p.code()) + '\n' + ev.eventName() + '\n' + ev.eventId();
        DeliveryTracker tracker = exchange.getProperty(DeliveryTracker.PROPERTY, DeliveryTracker.class);
        exchange.getIn().setBody(new BatchItem(ev, json, dedupKey, tracker == null ? null : tracker.register()));
        exchange.getIn().setHeader(DeliveryRoutes.HEADER_BATCH_KEY, p.name() + '\n' + (tec == null ? "" : tec));
        if (dedupKey != null) {
            exchange.getIn().setHeader(DeliveryRoutes.HEADER_DEDUP_KEY, dedupKey);
        }
    }

    /**
     * Counts and logs (DEBUG) a duplicate dropped by the Idempotent Consumer.
     *
     * @param exchange exchange whose body is the duplicate {@link BatchItem}
     */
    public void duplicate(Exchange exchange) {
        BatchItem item = exchange.getIn().getBody(BatchItem.class);
        metrics.deduplicated(item.event().pixel());
        item.done();
        LOG.debugf("Dropped duplicate event %s event_id %s for pixel %s (already delivered or in flight)",
                item.event().eventName(), item.event().eventId(), item.event().pixel());
    }
}
