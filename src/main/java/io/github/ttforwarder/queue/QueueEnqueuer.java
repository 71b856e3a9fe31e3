package io.github.ttforwarder.queue;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.config.KafkaSettings;
import io.github.ttforwarder.model.InboundEvent;

/**
 * HTTP ingest in Kafka mode: publishes the events of one request ({@code List<InboundEvent>} from
 * {@code InboundBodyReader}) to the queue topic as {@link QueuedEvent} JSON (key {@code requestId/index}, so a
 * request's events spread over the partitions) in ONE producer call, and returns only after the broker
 * acknowledged every record (acks=all). Sets exchange property {@value #QUEUED} to the number of events queued.
 *
 * @throws QueueUnavailableException (from {@link #process}) when Kafka did not acknowledge all records within
 *                                   {@code forwarder.kafka.send-timeout-ms}; the request is answered 503
 */
@ApplicationScoped
@Named("queueEnqueuer")
public class QueueEnqueuer implements Processor {

    /** Exchange property: how many events of the request Kafka acknowledged. */
    public static final String QUEUED = "ForwarderQueued";

    private static final Logger LOG = Logger.getLogger(QueueEnqueuer.class);

    @Inject
    ProducerTemplate producer;

    @Inject
    CamelContext camelContext;

    @Inject
    KafkaSettings kafka;

    private final ObjectMapper mapper;

    /** @param mapper the application's Jackson mapper */
    public QueueEnqueuer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<InboundEvent> events = exchange.getMessage().getBody(List.class);
        exchange.setProperty(QUEUED, 0);
        if (events == null || events.isEmpty()) {
            return;
        }
        List<Message> records = new ArrayList<>(events.size());
        for (InboundEvent e : events) {
            Message m = new DefaultMessage(camelContext);
            m.setHeader(KafkaConstants.KEY, e.context().requestId() + "/" + e.index());
            try {
                m.setBody(mapper.writeValueAsString(QueuedEvent.of(e)));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("event " + e.index() + " cannot be serialised", ex);
            }
            records.add(m);
        }
        try {
            producer.requestBody(KafkaQueueRoutes.ENQUEUE, records);
        } catch (RuntimeException ex) {
            Throwable c = ex.getCause() == null ? ex : ex.getCause();
            LOG.errorf("Kafka did not acknowledge %d event(s) of request %s on topic %s: %s", records.size(),
                    events.get(0).context().requestId(), kafka.topic(), c.getClass().getSimpleName() + ": " + c.getMessage());
            throw new QueueUnavailableException("Kafka did not acknowledge the events", c);
        }
        exchange.setProperty(QUEUED, records.size());
    }
}
