package io.github.ttforwarder.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Aggregation strategy of the batching step: collects {@link BatchItem}s of one correlation key (pixel,
 * {@code event_source} web, {@code test_event_code}) into a {@link DeliveryBatch}.
 *
 * <p>Pre-completion: when adding the next event would make the request body exceed
 * {@code forwarder.batch.max-bytes} (bytes, default 524288), the open batch is completed first and the event
 * starts a new one (TikTok Events API 2.0 documents no size limit; keep requests well under 1 MB). The
 * event-count ({@code forwarder.batch.max-events}) and time ({@code forwarder.batch.max-wait}) limits are
 * completion conditions of the aggregator itself.
 */
@ApplicationScoped
@Named("batchAggregationStrategy")
public class BatchAggregationStrategy implements AggregationStrategy {

    @Inject
    DeliveryConfig config;

    private int maxBytes = -1;

    /** CDI constructor. */
    public BatchAggregationStrategy() {
    }

    /** For tests: a strategy with the given byte limit. */
    public BatchAggregationStrategy(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    private int maxBytes() {
        return maxBytes > 0 ? maxBytes : config.batchMaxBytes();
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        BatchItem item = newExchange.getIn().getBody(BatchItem.class);
        if (oldExchange == null) {
            DeliveryBatch batch = new DeliveryBatch(item.event().pixel(), item.event().testEventCode());
            batch.add(item);
            newExchange.getIn().setBody(batch);
            return newExchange;
        }
        oldExchange.getIn().getBody(DeliveryBatch.class).add(item);
        return oldExchange;
    }

    @Override
    public boolean canPreComplete() {
        return true;
    }

    @Override
    public boolean preComplete(Exchange oldExchange, Exchange newExchange) {
        if (oldExchange == null) {
            return false;
        }
        DeliveryBatch batch = oldExchange.getIn().getBody(DeliveryBatch.class);
        BatchItem item = newExchange.getIn().getBody(BatchItem.class);
        return batch != null && batch.size() > 0 && batch.bytesWith(item) > maxBytes();
    }
}
