package io.github.ttforwarder.delivery.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Groups events into TikTok requests, in plain Java: one open {@link DeliveryBatch} per (pixel name,
 * {@code test_event_code}) — {@code event_source} is always {@code web} — completed when
 * <ul>
 * <li>it holds {@code maxEvents} events (≤ 1000, TikTok Events API 2.0),</li>
 * <li>the next event would take the request body above {@code maxBytes} (bytes; the batch is completed without
 *     it and the event opens the next one; a single larger event travels alone), or</li>
 * <li>{@code maxWaitMs} after the batch's first event (one timer task per batch).</li>
 * </ul>
 * A completed batch is handed to the sink at once, outside any lock; the sink must not block (the delivery
 * stage queues it for its sender pool). Callers never wait for a send. Thread-safe: one small lock per group.
 *
 * <p>Why not Camel's Aggregate EIP: it costs an exchange, a correlation lookup and a repository round trip per
 * event, and its output step runs on the caller's or the timeout thread — with an InOut exchange the next
 * producer waited for the send. Here an event costs one map lookup and a list append, and a batch becomes
 * one exchange only when it is sent.
 */
public final class Batcher {

    private final int maxEvents;
    private final int maxBytes;
    private final long maxWaitMs;
    private final ScheduledExecutorService timer;
    private final Consumer<DeliveryBatch> sink;
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    /** One (pixel, test_event_code) group: its open batch and that batch's timeout task. */
    private static final class Group {
        DeliveryBatch batch;
        ScheduledFuture<?> timeout;
        boolean removed;
    }

    /**
     * @param maxEvents events per request (1..1000)
     * @param maxBytes  request body limit in bytes
     * @param maxWaitMs longest wait of a batch's first event, ms
     * @param timer     runs the max-wait timeouts
     * @param sink      receives each completed batch (must not block)
     */
    public Batcher(int maxEvents, int maxBytes, long maxWaitMs, ScheduledExecutorService timer,
            Consumer<DeliveryBatch> sink) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.maxWaitMs = maxWaitMs;
        this.timer = timer;
        this.sink = sink;
    }

    /** @param item the event to add to its group's open batch */
    public void add(BatchItem item) {
        String testEventCode = item.testEventCode();
        String key = item.pixel() + '\n' + (testEventCode == null ? "" : testEventCode);
        List<DeliveryBatch> completed = new ArrayList<>(2);
        while (true) {
            Group g = groups.computeIfAbsent(key, k -> new Group());
            synchronized (g) {
                if (g.removed) {
                    continue; // its timeout removed it just now: take a fresh group
                }
                if (g.batch != null && g.batch.size() > 0 && g.batch.bytesWith(item) > maxBytes) {
                    completed.add(take(g));
                }
                if (g.batch == null) {
                    DeliveryBatch b = new DeliveryBatch(item.pixel(), testEventCode);
                    g.batch = b;
                    g.timeout = timer.schedule(() -> expire(key, g, b), maxWaitMs, TimeUnit.MILLISECONDS);
                }
                g.batch.add(item);
                open.incrementAndGet();
                if (g.batch.size() >= maxEvents || g.batch.bytes() >= maxBytes) {
                    completed.add(take(g));
                }
            }
            break;
        }
        completed.forEach(sink);
    }

    /** Takes the group's open batch (caller holds the group's lock). */
    private DeliveryBatch take(Group g) {
        DeliveryBatch b = g.batch;
        g.batch = null;
        if (g.timeout != null) {
            g.timeout.cancel(false);
            g.timeout = null;
        }
        open.addAndGet(-b.size());
        return b;
    }

    private void expire(String key, Group g, DeliveryBatch expected) {
        DeliveryBatch b = null;
        synchronized (g) {
            if (g.batch == expected) {
                g.timeout = null; // this task
                b = g.batch;
                g.batch = null;
                open.addAndGet(-b.size());
            }
            if (g.batch == null && !g.removed) {
                // forget idle groups, so arbitrary test_event_codes do not pile up
                g.removed = true;
                groups.remove(key, g);
            }
        }
        if (b != null) {
            sink.accept(b);
        }
    }

    /** Completes every open batch now (graceful stop, or to free memory). */
    public void flushAll() {
        for (var e : groups.entrySet()) {
            DeliveryBatch b = null;
            Group g = e.getValue();
            synchronized (g) {
                if (g.batch != null) {
                    b = take(g);
                }
            }
            if (b != null) {
                sink.accept(b);
            }
        }
    }

    /** @return events in open (not yet completed) batches. */
    public int openEvents() {
        return open.get();
    }
}
