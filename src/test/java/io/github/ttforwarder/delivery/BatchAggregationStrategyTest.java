package io.github.ttforwarder.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.github.ttforwarder.model.OutboundEvent;

/** forwarder.batch.max-bytes: a batch completes once full, and no request exceeds the limit. */
class BatchAggregationStrategyTest {

    private final DefaultCamelContext context = new DefaultCamelContext();

    private Exchange item(int bytes) {
        Exchange e = new DefaultExchange(context);
        e.getIn().setBody(new BatchItem(new OutboundEvent("default", null, TestSupport.event("Purchase")),
                new byte[bytes], null));
        return e;
    }

    @Test
    void completesWhenFullAndSplitsSoThatNoRequestExceedsMaxBytes() {
        BatchAggregationStrategy s = new BatchAggregationStrategy(2048);
        Exchange batch = s.aggregate(null, item(900));
        assertFalse(s.isFull(batch));
        batch = s.aggregate(batch, item(900)); // 128 + 900 + 1 + 900 = 1929
        assertFalse(s.isFull(batch));
        batch = s.aggregate(batch, item(200)); // + 1 + 200 = 2130
        assertTrue(s.isFull(batch));
        DeliveryBatch b = batch.getIn().getBody(DeliveryBatch.class);
        assertEquals(3, b.size());

        List<DeliveryBatch> parts = BatchSizeSplitter.splitBy(b, 2048);
        assertEquals(2, parts.size());
        assertEquals(2, parts.get(0).size());
        assertEquals(1, parts.get(1).size());
        assertTrue(parts.stream().allMatch(p -> p.bytes() <= 2048));
        assertEquals(b.items().get(2), parts.get(1).items().get(0), "order kept");
        assertEquals(List.of(b), BatchSizeSplitter.splitBy(b, 4096), "a batch that fits is not cut");
    }
}
