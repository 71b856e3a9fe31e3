package io.github.ttforwarder.ingest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;

/**
 * {@value #REINGEST} (route {@code reingest}, internal): runs one stored input event through the rules and the
 * mapping again, as if it had just arrived — used by the replay of "input" dead letters, so the delivery stage
 * never depends on ingest or rules. Body in: {@link InboundEvent}; body out: its {@link EventOutcome}. The caller
 * sets the replay's exchange properties (e.g. {@code ForwarderReplay}); they travel to every rule's copy.
 */
@ApplicationScoped
public class ReingestRoutes extends RouteBuilder {

    /** Endpoint of the route. */
    public static final String REINGEST = "direct:reingest";

    @Override
    public void configure() {
        from(REINGEST).routeId("reingest")
                .process(e -> e.setProperty(Headers.OUTCOMES, new CopyOnWriteArrayList<EventOutcome>()))
                .to("direct:offer-to-rules").id("reingest-offer-to-rules")
                .process(e -> {
                    @SuppressWarnings("unchecked")
                    List<EventOutcome> outcomes = e.getProperty(Headers.OUTCOMES, List.class);
                    e.getMessage().setBody(outcomes.isEmpty() ? null : outcomes.get(0));
                });
    }
}
