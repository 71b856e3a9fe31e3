package io.github.ttforwarder.mapping;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.EventRejectedException;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.queue.RejectedEventRecorder;
import io.github.ttforwarder.rules.RuleRegistry;

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
    RuleRegistry rules;
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

    @Override
    public void configure() {
        from("direct:tiktok-event").routeId("tiktok-event")
                .onException(EventRejectedException.class).handled(true)
                    .process(this::rejected)
                .end()
                .process(this::identifyRule)
                .process(webEvent)
                .process(userContext)
                .process(properties)
                .process(validator)
                .process(metrics::handedToDelivery).id("count-forwarded")
                .to("direct:tiktok-deliver").id("deliver-to-tiktok");
    }

    private void identifyRule(Exchange exchange) {
        String endpoint = exchange.getProperty(ExchangePropertyKey.RECIPIENT_LIST_ENDPOINT, String.class);
        exchange.setProperty(Headers.RULE_ID, rules.ruleFor(endpoint));
    }

    private void rejected(Exchange exchange) {
        EventRejectedException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, EventRejectedException.class);
        EventOutcome outcome = exchange.getProperty(Headers.OUTCOME, EventOutcome.class);
        String reason = e.getMessage().substring(e.field() == null ? 0 : e.field().length() + 2);
        String rule = exchange.getProperty(Headers.RULE_ID, String.class);
        outcome.getRejections().add(new EventOutcome.Rejection(rule, e.field(), reason));
        metrics.rejected(rule, e.field(), false);
        // Kafka mode: no client to tell, so the rejection becomes a dead letter.
        rejectedEvents.rejected(exchange, e.field() == null ? "rejected" : e.field(),
                (rule == null ? "" : "rule " + rule + ": ") + (e.field() == null ? reason : e.field() + ": " + reason));
    }
}
