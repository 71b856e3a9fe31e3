package io.github.ttforwarder.rules;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.Values;

/**
 * Turns one {@link InboundEvent} into the message every rule sees: the body is the parsed event
 * ({@code {"xdm":..,"data":..}} or the plain event, as maps and lists, so {@code simple} and {@code jsonpath}
 * read it without re-parsing), and the headers are
 * {@value Headers#INPUT_FORMAT} ({@code xdm} or {@code plain}), {@value Headers#EVENT_TYPE} (the XDM event
 * type per {@link XdmEventClassifier}, or the plain event's {@code event}), {@value Headers#ENDPOINT} and
 * {@value Headers#REQUEST_ID}. No inbound HTTP header reaches a rule.
 */
@ApplicationScoped
@Named("ruleInputPreparer")
public class RuleInputPreparer implements Processor {

    private final XdmEventClassifier classifier;

    public RuleInputPreparer(XdmEventClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        InboundEvent event = exchange.getMessage().getBody(InboundEvent.class);
        EventOutcome outcome = new EventOutcome(event.index());
        String type = event.format() == InboundEvent.Format.XDM
                ? classifier.classify(Values.map(event.body(), "xdm"))
                : Values.text(event.body().get("event"));
        outcome.setEventType(type);
        List<EventOutcome> outcomes = exchange.getProperty(Headers.OUTCOMES, List.class);
        if (outcomes != null) {
            outcomes.add(outcome);
        }
        exchange.setProperty(Headers.OUTCOME, outcome);
        exchange.setProperty(Headers.FORMAT, event.format());
        exchange.setProperty(Headers.REQUEST_CONTEXT, event.context());
        exchange.setProperty(Headers.INBOUND_EVENT, event);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Headers.INPUT_FORMAT, event.format().label());
        if (type != null) {
            m.setHeader(Headers.EVENT_TYPE, type);
        }
        m.setHeader(Headers.ENDPOINT, event.context().endpoint());
        m.setHeader(Headers.REQUEST_ID, event.context().requestId());
        m.setBody(event.body());
    }
}
