package io.github.ttforwarder.delivery.dedup;

import java.util.ArrayList;
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
import io.github.ttforwarder.queue.KafkaDedupRepository;

/**
 * Called when TikTok accepted a batch (code 0/20001) or the dry run wrote it: records each event's dedup key as
 * delivered — in Kafka mode on the shared dedup topic, otherwise in the local store's journal
 * ({@link WindowedIdempotentRepository#delivered}) — and only then marks it terminal ({@link BatchItem#done()}), which
 * is what lets a Kafka poll commit or a bus message be acknowledged.
 *
 * <p>Why keys are recorded only after delivery in Kafka mode: the embedded Idempotent Consumer records a key
 * when the event enters (eagerly). With a store shared through Kafka that would lose events — an instance
 * killed with {@code kill -9} after recording the key but before delivery leaves the key behind, and the
 * redelivered record would be dropped as a duplicate. Recording on delivery keeps at-least-once: the worst
 * case is a repeat that TikTok's own 48 h dedup (pixel, event, event_id) drops.
 */
@ApplicationScoped
@Named("deliveredKeys")
public class DeliveredKeys {

    private static final Logger LOG = Logger.getLogger(DeliveredKeys.class);

    @Inject
    KafkaSettings kafka;

    @Inject
    DeliveryConfig config;

    @Inject
    CamelContext camelContext;

    /**
     * @param items events TikTok accepted (or the dry run wrote)
     */
    public void delivered(List<BatchItem> items) {
        delivered(items, true);
    }

    /**
     * The dry run's variant: its keys are not journalled locally, so events written while dry are sent for real
     * after a restart with a token (in memory they still count as seen until then, as for any event).
     *
     * @param items events the dry run wrote
     */
    public void dryRunWritten(List<BatchItem> items) {
        delivered(items, false);
    }

    private void delivered(List<BatchItem> items, boolean live) {
        try {
            record(items, live);
        } catch (RuntimeException e) {
            // Not fatal: a missing key only means a possible repeat, which TikTok drops by event_id.
            LOG.warnf("Could not record %d delivered dedup key(s): %s", items.size(), e.getMessage());
        }
        items.forEach(BatchItem::done);
    }

    /**
     * Kafka mode's duplicate check.
     *
     * @param key a dedup key (pixel code, event, event_id)
     * @return true when an event with this key was delivered before (by any instance)
     */
    public boolean seen(String key) {
        IdempotentRepository repo = repository();
        return key != null && repo != null && repo.contains(key);
    }

    private IdempotentRepository repository() {
        String name = kafka.enabled() ? kafka.dedupRepository(config.dedupRepository()) : config.dedupRepository();
        return camelContext.getRegistry().lookupByNameAndType(name, IdempotentRepository.class);
    }

    private void record(List<BatchItem> items, boolean live) {
        List<String> keys = new ArrayList<>(items.size());
        for (BatchItem i : items) {
            if (i.dedupKey() != null) {
                keys.add(i.dedupKey());
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        IdempotentRepository repo = repository();
        if (repo instanceof KafkaDedupRepository k) {
            k.publishDelivered(keys);
        } else if (repo instanceof WindowedIdempotentRepository w && live) {
            w.delivered(keys); // in memory already (eager add); journalled so a restart still knows them
        } else if (repo != null && kafka.enabled()) {
            keys.forEach(repo::add);
        }
    }
}
