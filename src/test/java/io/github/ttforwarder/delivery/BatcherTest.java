package io.github.ttforwarder.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.ttforwarder.delivery.batching.BatchItem;
import io.github.ttforwarder.delivery.batching.Batcher;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;
import io.github.ttforwarder.model.OutboundEvent;

/** The plain-Java batcher: completion by count, by bytes (never above), by max-wait, per group, and on flush. */
class BatcherTest {

    /** A timer that records the max-wait tasks instead of running them (the test fires them). */
    static final class ManualTimer extends ScheduledThreadPoolExecutor {
        final List<Runnable> tasks = new CopyOnWriteArrayList<>();

        ManualTimer() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            tasks.add(command);
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }
    }

    private final ManualTimer timer = new ManualTimer();
    private final List<DeliveryBatch> out = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static BatchItem item(String pixel, String tec, int n) {
        OutboundEvent e = new OutboundEvent(pixel, tec, TestSupport.event("Purchase", "id-" + n));
        return new BatchItem(e, e.event().toString().getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void completesAtMaxEventsInOrder() {
        Batcher b = new Batcher(3, 1 << 20, 1000, timer, out::add);
        for (int i = 0; i < 7; i++) {
            b.add(item("default", null, i));
        }
        assertEquals(2, out.size());
        assertEquals(List.of("id-0", "id-1", "id-2"), out.get(0).items().stream().map(BatchItem::eventId).toList());
        assertEquals(1, b.openEvents());
        b.flushAll();
        assertEquals(3, out.size());
        assertEquals(List.of("id-6"), out.get(2).items().stream().map(BatchItem::eventId).toList());
        assertEquals(0, b.openEvents());
    }

    @Test
    void neverExceedsMaxBytesAndALargerEventTravelsAlone() {
        int one = item("default", null, 0).json().length;
        int maxBytes = 128 + 3 * one + 2; // room for 3 events and their commas in the envelope
        Batcher b = new Batcher(1000, maxBytes, 1000, timer, out::add);
        for (int i = 0; i < 10; i++) {
            b.add(item("default", null, i));
        }
        b.flushAll();
        assertEquals(10, out.stream().mapToInt(DeliveryBatch::size).sum());
        for (DeliveryBatch d : out) {
            assertTrue(d.bytes() <= maxBytes, d + " above " + maxBytes);
        }
        assertEquals(3, out.get(0).size());

        out.clear();
        Batcher small = new Batcher(1000, 1024, 1000, timer, out::add);
        OutboundEvent big = new OutboundEvent("default", null, TestSupport.event("Purchase", "big"));
        big.event().put("padding", "x".repeat(2000));
        small.add(item("default", null, 1));
        small.add(new BatchItem(big, big.event().toString().getBytes(StandardCharsets.UTF_8), null));
        small.add(item("default", null, 2));
        small.flushAll();
        assertEquals(List.of(1, 1, 1), out.stream().map(DeliveryBatch::size).toList());
    }

    @Test
    void groupsByPixelAndTestEventCodeAndCompletesAtMaxWait() {
        Batcher b = new Batcher(1000, 1 << 20, 1000, timer, out::add);
        b.add(item("default", null, 0));
        b.add(item("default", "TEST1", 1));
        b.add(item("brand2", null, 2));
        b.add(item("default", null, 3));
        assertEquals(3, timer.tasks.size(), "one max-wait task per open batch");
        assertEquals(0, out.size());
        timer.tasks.get(0).run(); // default/none expires
        assertEquals(1, out.size());
        assertEquals(List.of("id-0", "id-3"), out.get(0).items().stream().map(BatchItem::eventId).toList());
        timer.tasks.get(0).run(); // a second expiry of the same batch does nothing
        assertEquals(1, out.size());
        b.add(item("default", null, 4)); // a new batch, a new task
        assertEquals(4, timer.tasks.size());
        b.flushAll();
        List<String> groups = new ArrayList<>();
        out.forEach(d -> groups.add(d.pixel() + "/" + d.testEventCode() + "/" + d.size()));
        assertEquals(4, out.size());
        assertTrue(groups.containsAll(List.of("default/null/2", "default/TEST1/1", "brand2/null/1", "default/null/1")), groups.toString());
    }
}
