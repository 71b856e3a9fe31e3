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
 * <p>Size limit: {@link #isFull(Exchange)} completes a batch once its body reaches
 * {@code forwarder.batch.max-bytes} (bytes, default 524288; TikTok Events API 2.0 documents no size limit, keep
 * requests well under 1 MB), and {@link BatchSizeSplitter} cuts the last event off into the next request, so
 * no request body exceeds the limit (a single larger event is sent alone). The event-count
 * ({@code forwarder.batch.max-events}) and time ({@code forwarder.batch.max-wait}) limits are completion
 * conditions of the aggregator itself. (Camel's pre-completion is not used: it disables the completion size.)
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

    /**
     * @param oldExchange the open batch (body {@link DeliveryBatch}), or null for the first event of a group
     * @param newExchange the next event (body {@link BatchItem})
     * @return the exchange holding the batch with the event appended
     */
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

    /**
     * Completion predicate: true once the batch's body reaches {@code forwarder.batch.max-bytes}; the send step
     * ({@link BatchSizeSplitter}) then cuts it so that no request exceeds the limit.
     *
     * @param aggregated the aggregated exchange (body {@link DeliveryBatch})
     * @return whether to complete the batch now
     */
    public boolean isFull(Exchange aggregated) {
        DeliveryBatch batch = aggregated.getIn().getBody(DeliveryBatch.class);
        return batch != null && batch.bytes() >= maxBytes();
    }
}
