package io.github.ttforwarder.delivery;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Cuts a completed batch into requests whose body stays within {@code forwarder.batch.max-bytes} (bytes),
 * keeping event order. A single event larger than the limit travels alone (TikTok decides). Used by the
 * Split EIP of the {@code tiktok-send} route.
 */
@ApplicationScoped
@Named("batchSizeSplitter")
public class BatchSizeSplitter {

    @Inject
    DeliveryConfig config;

    /**
     * @param batch a batch from the aggregator
     * @return the batch itself when it fits, else consecutive sub-batches that each fit
     */
    public List<DeliveryBatch> split(DeliveryBatch batch) {
        return splitBy(batch, config.batchMaxBytes());
    }

    /** Same as {@link #split(DeliveryBatch)} with an explicit limit in bytes. */
    static List<DeliveryBatch> splitBy(DeliveryBatch batch, int maxBytes) {
        if (batch.bytes() <= maxBytes) {
            return List.of(batch);
        }
        List<DeliveryBatch> out = new ArrayList<>();
        List<BatchItem> current = new ArrayList<>();
        DeliveryBatch probe = batch.subBatch(List.of());
        for (BatchItem item : batch.items()) {
            if (!current.isEmpty() && probe.bytesWith(item) > maxBytes) {
                out.add(batch.subBatch(current));
                current = new ArrayList<>();
                probe = batch.subBatch(List.of());
            }
            current.add(item);
            probe.add(item);
        }
        if (!current.isEmpty()) {
            out.add(batch.subBatch(current));
        }
        return out;
    }
}
