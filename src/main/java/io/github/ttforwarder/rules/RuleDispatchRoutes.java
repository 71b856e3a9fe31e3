package io.github.ttforwarder.rules;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.ExpressionAdapter;
import org.jboss.logging.Logger;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.queue.RejectedEventRecorder;

/**
 * Offers one inbound event to every rule ({@code direct:offer-to-rules}, Camel recipient list EIP over
 * {@link RuleRegistry#endpointsFor}, which skips rules whose leading filter cannot match); each rule gets its own copy of the message, so one rule's headers never
 * leak into another's. Every event is counted ({@link io.github.ttforwarder.ops.ForwarderMetrics#ruled}: received,
 * unmatched, rejections); one no rule fires on is logged at DEBUG, not an error. A rule whose
 * own steps fail is reported as a rejection of that event (in Kafka mode also dead-lettered); the other rules still run.
 */
@ApplicationScoped
public class RuleDispatchRoutes extends RouteBuilder {

    private static final Logger LOG = Logger.getLogger(RuleDispatchRoutes.class);

    @Inject
    RuleRegistry rules;
    @Inject
    RuleInputPreparer input;
    @Inject
    io.github.ttforwarder.ops.ForwarderMetrics metrics;
    @Inject
    RejectedEventRecorder rejectedEvents;

    @Override
    public void configure() {
        getContext().getManagementStrategy().addEventNotifier(rules);

        from("direct:offer-to-rules").routeId("offer-to-rules")
                .onException(Exception.class).handled(true)
                    .process(this::ruleFailed)
                .end()
                .process(input)
                .process(metrics::received)
                .recipientList(new ExpressionAdapter() {
                    @Override
                    public Object evaluate(Exchange exchange) {
                        return rules.endpointsFor(exchange);
                    }
                }).id("offer-to-each-rule")
                .end()
                .process(this::countOutcome);
    }

    private void ruleFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        EventOutcome outcome = exchange.getProperty(Headers.OUTCOME, EventOutcome.class);
        String type = e == null ? "unknown error" : e.getClass().getSimpleName();
        LOG.warnf("A rule failed on event %d of request %s: %s", outcome == null ? -1 : outcome.getIndex(),
                exchange.getMessage().getHeader(Headers.REQUEST_ID), type);
        if (outcome != null) {
            outcome.getRejections().add(new EventOutcome.Rejection(null, null, "a rule failed: " + type));
        }
        rejectedEvents.rejected(exchange, "rule-failed", "a rule failed: " + type);
        metrics.rejected(exchange.getProperty(Headers.RULE_ID, String.class), null, true);
    }

    private void countOutcome(Exchange exchange) {
        EventOutcome outcome = exchange.getProperty(Headers.OUTCOME, EventOutcome.class);
        if (outcome == null) {
            return;
        }
        metrics.ruled(exchange);
        if (outcome.getStatus() == EventOutcome.Status.UNMATCHED && LOG.isDebugEnabled()) {
            LOG.debugf("No rule matched event %d (type %s) of request %s", outcome.getIndex(), outcome.getEventType(),
                    exchange.getMessage().getHeader(Headers.REQUEST_ID));
        }
    }
}
