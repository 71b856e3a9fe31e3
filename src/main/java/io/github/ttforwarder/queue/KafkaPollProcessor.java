package io.github.ttforwarder.queue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.github.ttforwarder.config.KafkaSettings;
import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.delivery.DeliveryConfig;
import io.github.ttforwarder.delivery.batching.DeliveryTracker;
import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.ingest.MalformedRequestException;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.RequestContext;

/**
 * Consumer side of Kafka mode: handles one poll of records (Camel kafka batching consumer: body
 * {@code List<Exchange>}, one per record) and commits their offsets only when every TikTok event made from them
 * reached a terminal state — delivered, deduplicated or dead-lettered (at-least-once).
 *
 * <ol>
 * <li>Each record is read — a {@link QueuedEvent} from the queue topic, or any body {@link InboundBodyReader}
 *     accepts from the ingest topic — and each event is sent through {@code direct:offer-to-rules} (rules,
 *     mapping, {@code direct:tiktok-deliver}) with one {@link DeliveryTracker} for the whole poll, so the poll's
 *     events share delivery batches. Unreadable records and rejected events are dead-lettered.</li>
 * <li>Before a poll is processed, the consumer waits while the delivery backlog is at its bound
 *     ({@code forwarder.backlog.max-events}, {@link Delivery#awaitCapacity}).</li>
 * <li>The tracker is sealed and awaited (at most {@code forwarder.retry.max-elapsed} + 60 s).</li>
 * <li>The last offset of each partition in the poll is committed synchronously.</li>
 * </ol>
 * Any failure (an event abandoned at shutdown, a dead letter Kafka did not take, a timeout) throws: nothing is
 * committed, and the consumer (breakOnFirstError) reconnects and consumes the records again.
 */
@ApplicationScoped
@Named("kafkaPollProcessor")
public class KafkaPollProcessor {

    private static final Logger LOG = Logger.getLogger(KafkaPollProcessor.class);

    @Inject
    CamelContext camelContext;

    @Inject
    ProducerTemplate producer;

    @Inject
    InboundBodyReader bodyReader;

    @Inject
    RejectedEventRecorder rejected;

    @Inject
    DeliveryConfig config;

    @Inject
    Delivery delivery;

    @Inject
    KafkaSettings kafka;

    private final ObjectReader queuedReader;

    /** @param mapper the application's Jackson mapper (decimals are read as BigDecimal, as on HTTP ingest) */
    public KafkaPollProcessor(ObjectMapper mapper) {
        this.queuedReader = mapper.readerFor(QueuedEvent.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /**
     * Processes a poll of the queue topic (records are {@link QueuedEvent} JSON).
     *
     * @param poll the batching consumer's exchange, body {@code List<Exchange>}
     * @throws IllegalStateException when not every event reached a terminal state (nothing committed)
     */
    public void queuePoll(Exchange poll) {
        process(poll, true);
    }

    /**
     * Processes a poll of the ingest topic (records are event bodies in any shape the HTTP ingest accepts).
     *
     * @param poll the batching consumer's exchange, body {@code List<Exchange>}
     * @throws IllegalStateException when not every event reached a terminal state (nothing committed)
     */
    public void ingestPoll(Exchange poll) {
        process(poll, false);
    }

    @SuppressWarnings("unchecked")
    private void process(Exchange poll, boolean queued) {
        List<Exchange> records = poll.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) {
            return;
        }
        // Backpressure: while the delivery backlog is at forwarder.backlog.max-events, this consumer does not go on
        // (and so does not poll); at most half the max poll interval, so the group keeps its member.
        delivery.awaitCapacity(kafka.maxPollIntervalMs() / 2);
        long start = System.currentTimeMillis();
        DeliveryTracker tracker = new DeliveryTracker();
        Map<Integer, Exchange> lastPerPartition = new LinkedHashMap<>();
        int events = 0;
        for (Exchange record : records) {
            String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
            Integer partition = record.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
            Long offset = record.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
            String source = topic + "/" + partition + "/" + offset;
            lastPerPartition.put(partition, record);
            for (InboundEvent event : read(record, source, queued, topic)) {
                events++;
                Exchange ex = new DefaultExchange(camelContext);
                ex.getIn().setBody(event);
                ex.setProperty(DeliveryTracker.PROPERTY, tracker);
                ex.setProperty(RejectedEventRecorder.SOURCE, source);
                producer.send("direct:offer-to-rules", ex);
                if (ex.getException() != null) {
                    throw new IllegalStateException("event of record " + source + " failed: "
                            + ex.getException().getClass().getSimpleName(), ex.getException());
                }
            }
        }
        tracker.seal();
        tracker.await(config.retryMaxElapsedMs() + 60_000L);
        for (Exchange last : lastPerPartition.values()) {
            KafkaManualCommit commit = last.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit != null) {
                commit.commit();
            }
        }
        LOG.debugf("Committed %d record(s) (%d event(s)) of %d partition(s) after %d ms", records.size(), events,
                lastPerPartition.size(), System.currentTimeMillis() - start);
    }

    private List<InboundEvent> read(Exchange record, String source, boolean queued, String topic) {
        byte[] value = record.getMessage().getBody(byte[].class);
        if (value == null || value.length == 0) {
            rejected.unreadable(source, -1, "unreadable-record", "empty record");
            return List.of();
        }
        if (queued) {
            try {
                QueuedEvent q = queuedReader.readValue(value);
                if (q.format() == null || q.body() == null || q.context() == null) {
                    throw new IllegalArgumentException("format, context and body are required");
                }
                return List.of(q.toInbound());
            } catch (Exception e) {
                rejected.unreadable(source, -1, "unreadable-record", "not a queued event: " + e.getClass().getSimpleName());
                return List.of();
            }
        }
        Long timestamp = record.getMessage().getHeader(KafkaConstants.TIMESTAMP, Long.class);
        long receivedAt = (timestamp == null ? System.currentTimeMillis() : timestamp) / 1000L;
        RequestContext ctx = new RequestContext("kafka:" + source, "kafka:" + topic, null, null, null, receivedAt);
        try {
            InboundBodyReader.Result result = bodyReader.read(value, ctx);
            for (EventOutcome o : result.rejected()) {
                for (EventOutcome.Rejection r : o.getRejections()) {
                    rejected.unreadable(source, o.getIndex(), "not-an-event",
                            r.field() == null ? r.reason() : r.field() + ": " + r.reason());
                }
            }
            return result.events();
        } catch (MalformedRequestException e) {
            rejected.unreadable(source, -1, "unreadable-record", e.getMessage());
            return List.of();
        }
    }

}
