package io.github.ttforwarder.mapping;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.EventRejectedException;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.queue.RejectedEventRecorder;

/**
 * {@code direct:tiktok-event}: the action a rule calls to send a TikTok event — the equivalent of Adobe's
 * "Send TikTok Web Events API event". Maps the rule's message (web event → user context → properties, with
 * hashing), validates the result and hands an {@link io.github.ttforwarder.model.OutboundEvent} to delivery
 * ({@code direct:tiktok-deliver}). An invalid event is rejected with its field and reason, nothing is sent, and
 * the rejection is dead-lettered ({@link RejectedEventRecorder}: reason source {@code validation}).
 */
@ApplicationScoped
public class TikTokEventRoutes extends RouteBuilder {

    @Inject
    WebEventMapper webEvent;
    @Inject
    UserContextMapper userContext;
    @Inject
    PropertiesMapper properties;
    @Inject
    OutboundEventValidator validator;
    @Inject
    RejectedEventRecorder rejectedEvents;
    @Inject
    io.github.ttforwarder.ops.ForwarderMetrics metrics;

    /**
     * Exchange property: a {@code List<OutboundEvent>} that collects the TikTok events instead of delivering them
     * (preview: nothing is sent).
     */
    public static final String PREVIEW = "ForwarderPreview";

    private org.apache.camel.ProducerTemplate producer;
    private org.apache.camel.Endpoint deliver;

    @Override
    public void configure() {
        producer = getContext().createProducerTemplate();
        // A rule that runs as a route calls this endpoint; compiled rules call send(..) directly.
        from(io.github.ttforwarder.rules.RulePlan.ACTION).routeId("tiktok-event")
                .errorHandler(noErrorHandler())
                .process(this::send).id("deliver-to-tiktok");
    }

    /**
     * The action, on the rule's exchange (body: the inbound event; headers: the rule's {@code tiktok.*}
     * overrides; property {@value Headers#RULE_ID}): maps, validates and delivers one TikTok event, or records its
     * rejection. Leaves the {@link io.github.ttforwarder.model.OutboundEvent} as the body.
     *
     * @throws Exception when delivery itself fails (not for invalid events: those are rejections)
     */
    @SuppressWarnings("unchecked")
    public void send(Exchange exchange) throws Exception {
        try {
            webEvent.process(exchange);
            userContext.process(exchange);
            properties.process(exchange);
            validator.process(exchange);
        } catch (EventRejectedException e) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
            rejected(exchange);
            return;
        }
        java.util.List<Object> preview = exchange.getProperty(PREVIEW, java.util.List.class);
        if (preview != null) {
            preview.add(exchange.getMessage().getBody());
            return;
        }
        if (metrics != null) { // null only when built by hand (benchmarks)
            metrics.handedToDelivery(exchange);
        }
        if (deliver == null) {
            deliver = getContext().getEndpoint("direct:tiktok-deliver");
        }
        producer.send(deliver, exchange);
        Exception failed = exchange.getException();
        if (failed != null) {
            exchange.setException(null);
            throw failed;
        }
    }

    private void rejected(Exchange exchange) {
        EventRejectedException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, EventRejectedException.class);
        EventOutcome outcome = exchange.getProperty(Headers.OUTCOME, EventOutcome.class);
        String reason = e.getMessage().substring(e.field() == null ? 0 : e.field().length() + 2);
        String rule = exchange.getProperty(Headers.RULE_ID, String.class);
        outcome.getRejections().add(new EventOutcome.Rejection(rule, e.field(), reason));
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        if (exchange.getProperty(PREVIEW) != null) {
            return; // preview: nothing is dead-lettered
        }
        if (metrics != null) {
            metrics.rejected(rule, e.field(), false);
        }
        // Kafka mode: no client to tell, so the rejection becomes a dead letter.
        rejectedEvents.rejected(exchange, e.field() == null ? "rejected" : e.field(),
                (rule == null ? "" : "rule " + rule + ": ") + (e.field() == null ? reason : e.field() + ": " + reason));
    }
}
