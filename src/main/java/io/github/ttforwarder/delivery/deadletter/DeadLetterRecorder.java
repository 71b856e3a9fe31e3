package io.github.ttforwarder.delivery.deadletter;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.jboss.logging.Logger;

import io.github.ttforwarder.config.KafkaSettings;
import io.github.ttforwarder.delivery.DeliveryConfig;
import io.github.ttforwarder.delivery.batching.BatchItem;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;

/**
 * Dead-letters events of a failed delivery: writes them to the {@link DeadLetterStore} (which counts them),
 * marks them terminal for their Kafka poll ({@link BatchItem#done()}), forgets their dedup keys (embedded mode) so that a replay of the same {@code event_id} is not taken for a duplicate, and
 * logs one WARN line per batch (pixel, count, reason code/message/request_id; never the token or the events'
 * user data).
 */
@ApplicationScoped
@Named("deadLetterRecorder")
public class DeadLetterRecorder {

    private static final Logger LOG = Logger.getLogger(DeadLetterRecorder.class);

    @Inject
    DeadLetterStore store;

    @Inject
    DeliveryConfig config;

    @Inject
    CamelContext camelContext;

    @Inject
    KafkaSettings kafka;

    /**
     * @param batch  the batch whose events are given up
     * @param items  the events to dead-letter (all or some of the batch)
     * @param reason why
     */
    public void deadLetter(DeliveryBatch batch, List<BatchItem> items, DeadLetterReason reason) {
        if (items.isEmpty()) {
            return;
        }
        store.writeAll(items.stream().map(i -> store.toDeadLetter(i.event(), reason, batch.attempts())).toList());
        // Kafka mode records keys only once delivered (DeliveredKeys): nothing to forget there.
        IdempotentRepository repo = kafka.enabled() ? null : repository();
        for (BatchItem i : items) {
            if (i.dedupKey() != null && repo != null) {
                repo.remove(i.dedupKey());
            }
            i.done();
        }
        LOG.warnf("Dead-lettered %d event(s) for pixel %s after %d attempt(s): %s %s: %s (request_id %s)",
                items.size(), batch.pixel(), batch.attempts(), reason.source(), reason.code(), reason.message(),
                reason.requestId());
    }

    private IdempotentRepository repository() {
        return camelContext.getRegistry().lookupByNameAndType(config.dedupRepository(), IdempotentRepository.class);
    }
}
