package io.github.ttforwarder.rules;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import io.github.ttforwarder.model.InboundEvent;

/**
 * {@code direct:offer-to-rules}: one {@link InboundEvent} (the body) through the rules on the caller's exchange
 * ({@link RuleEngine#offer}) — for callers that hand over events one at a time (Kafka mode, dead-letter replay).
 * HTTP ingest calls the engine once per request instead.
 */
@ApplicationScoped
public class RuleDispatchRoutes extends RouteBuilder {

    @Inject
    RuleRegistry rules;
    @Inject
    RuleEngine engine;

    @Override
    public void configure() {
        getContext().getManagementStrategy().addEventNotifier(rules);
        from("direct:offer-to-rules").routeId("offer-to-rules")
                .process(ex -> engine.offer(ex, ex.getMessage().getBody(InboundEvent.class))).id("offer-to-each-rule");
    }
}
