package io.github.ttforwarder.queue;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.processor.idempotent.kafka.KafkaIdempotentRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.DefaultMessage;

import io.github.ttforwarder.config.KafkaSettings;

/**
 * The dedup store of Kafka mode (bean {@value KafkaSettings#KAFKA_DEDUP_REPOSITORY}): Camel's
 * {@link KafkaIdempotentRepository} on the compacted topic {@code forwarder.kafka.dedup-topic}. Every instance
 * reads the whole topic at start and follows it in the background, so a key one instance delivered is known to
 * all (after the topic's round trip, typically well under a second). Each instance keeps at most
 * {@code forwarder.kafka.dedup-cache-size} keys in memory (LRU).
 *
 * <p>Keys are (pixel code, event, event_id) as built by {@code deliveryIntake}; records are
 * {@code key=<dedup key>, value=add} — KafkaIdempotentRepository's own format. {@link #publishDelivered} writes
 * a batch of keys asynchronously in one Kafka producer call instead of one blocking send per key.
 * Started only in Kafka mode (by {@link KafkaQueueRoutes}); in embedded mode it is never used.
 */
@ApplicationScoped
@Named(KafkaSettings.KAFKA_DEDUP_REPOSITORY)
public class KafkaDedupRepository implements IdempotentRepository {

    /** Route that writes delivered keys to the dedup topic (body: list of messages). */
    public static final String PUBLISH = "direct:kafka-dedup-publish";

    @Inject
    KafkaSettings kafka;

    @Inject
    CamelContext camelContext;

    @Inject
    ProducerTemplate producer;

    private volatile KafkaIdempotentRepository delegate;

    /** Creates the underlying KafkaIdempotentRepository (not started: add it to the Camel context as a service). */
    KafkaIdempotentRepository create() {
        KafkaIdempotentRepository r = new KafkaIdempotentRepository(kafka.dedupTopic(), kafka.bootstrapServers());
        r.setMaxCacheSize(kafka.dedupCacheSize());
        r.setCamelContext(camelContext);
        delegate = r;
        return r;
    }

    private KafkaIdempotentRepository repo() {
        KafkaIdempotentRepository r = delegate;
        if (r == null) {
            throw new IllegalStateException("the Kafka dedup store is only available with forwarder.queue=kafka");
        }
        return r;
    }

    /**
     * Publishes keys of delivered events (asynchronously; a lost key only allows a repeat TikTok drops by event_id).
     *
     * @param keys dedup keys
     */
    public void publishDelivered(List<String> keys) {
        List<Message> records = new ArrayList<>(keys.size());
        for (String k : keys) {
            Message m = new DefaultMessage(camelContext);
            m.setHeader(KafkaConstants.KEY, k);
            m.setBody("add");
            records.add(m);
        }
        producer.asyncSendBody(PUBLISH, records);
    }

    /** {@inheritDoc} Synchronous write of one key (Camel's behaviour). */
    @Override
    public boolean add(String key) {
        return repo().add(key);
    }

    /** {@inheritDoc} Looks the key up in this instance's cache of the topic. */
    @Override
    public boolean contains(String key) {
        return repo().contains(key);
    }

    /** {@inheritDoc} Broadcasts the removal on the topic. */
    @Override
    public boolean remove(String key) {
        return repo().remove(key);
    }

    /** {@inheritDoc} No-op (keys are recorded on delivery). */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** {@inheritDoc} Broadcasts a clear on the topic. */
    @Override
    public void clear() {
        repo().clear();
    }

    /** No-op: the lifecycle is that of the delegate, which {@link KafkaQueueRoutes} adds to the Camel context. */
    @Override
    public void start() {
    }

    /** No-op: the lifecycle is that of the delegate. */
    @Override
    public void stop() {
    }
}
