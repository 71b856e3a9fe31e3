package io.github.ttforwarder.delivery.sending;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.delivery.DeliveryConfig;
import io.github.ttforwarder.delivery.batching.BatchItem;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;
import io.github.ttforwarder.delivery.deadletter.DeadLetterReason;
import io.github.ttforwarder.delivery.deadletter.DeadLetterRecorder;

/**
 * The forwarder's own retry timer (the HTTP client never retries by itself): a batch waiting for a retry or for
 * its token's {@code Retry-After} pause is held in memory and put back on the sender pool
 * ({@link Delivery#dispatch}) when due, by one timer thread — no sender, batcher or ingest thread waits. The batch
 * is resent unchanged (same body, same {@code event_id}s: TikTok Events API 2.0 §6, TikTok's dedup keeps them
 * single).
 *
 * <p><b>Pauses</b> ({@link #pause}): a {@code Retry-After} answer pauses the access token it came from until the
 * given time; batches for that token that reach a sender meanwhile wait here ({@link #defer}) — other tokens keep
 * flowing. A pause longer than {@code forwarder.retry.max-elapsed} dead-letters such batches
 * ({@code retries-exhausted}, replayable) instead of holding them in memory.
 *
 * <p><b>Stop</b>: once the Camel context is stopping, a batch that waits (or becomes due) is dead-lettered with
 * reason {@code shutdown} (replay with {@code reason=shutdown}); in Kafka mode its events are abandoned for their
 * poll instead ({@link BatchItem#abandon}): the offsets stay uncommitted and the group consumes them again.
 */
@ApplicationScoped
@Named("retryScheduler")
public class RetryScheduler {

    private static final Logger LOG = Logger.getLogger(RetryScheduler.class);

    @Inject
    CamelContext camelContext;

    @Inject
    DeadLetterRecorder deadLetters;

    @Inject
    DeliveryConfig config;

    @Inject
    Delivery delivery;

    /** Batches waiting, with the handle of their timer task (completed once scheduled). */
    private final Map<DeliveryBatch, CompletableFuture<ScheduledFuture<?>>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger waitingEvents = new AtomicInteger();
    /** Access token → epoch ms until which TikTok asked not to send (Retry-After). Never logged. */
    private final Map<String, Long> pausedUntil = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "tiktok-retry-timer");
        t.setDaemon(true);
        return t;
    });

    {
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Schedules a retry of the batch.
     *
     * @param batch   the batch to resend unchanged
     * @param delayMs delay in ms
     */
    public void schedule(DeliveryBatch batch, long delayMs) {
        hold(batch, delayMs);
    }

    /**
     * Holds a batch whose token is paused until the pause ends (no attempt is counted); dead-letters it
     * ({@code retries-exhausted}) when the pause outlasts {@code forwarder.retry.max-elapsed}.
     *
     * @param batch   the batch
     * @param delayMs time left of the pause, ms
     */
    public void defer(DeliveryBatch batch, long delayMs) {
        if (delayMs > config.retryMaxElapsedMs()) {
            deadLetters.deadLetter(batch, batch.items(), DeadLetterReason.forwarder("retries-exhausted",
                    "TikTok asked (Retry-After) not to send for this pixel's token for another " + (delayMs / 1000)
                            + " s, beyond forwarder.retry.max-elapsed", null));
            return;
        }
        hold(batch, delayMs);
    }

    private void hold(DeliveryBatch batch, long delayMs) {
        if (stopping()) {
            giveUp(batch, "the forwarder stopped while the batch waited for retry " + (batch.chainAttempts() + 1));
            return;
        }
        // Registered before it is scheduled: a short delay may fire before schedule() even returns, and fire()
        // treats an unregistered batch as drained.
        CompletableFuture<ScheduledFuture<?>> handle = new CompletableFuture<>();
        pending.put(batch, handle);
        waitingEvents.addAndGet(batch.size());
        handle.complete(timer.schedule(() -> fire(batch), Math.max(0, delayMs), TimeUnit.MILLISECONDS));
    }

    /**
     * Pauses an access token (TikTok answered with {@code Retry-After}).
     *
     * @param accessToken the token (kept in memory only, never logged)
     * @param delayMs     how long, ms
     */
    public void pause(String accessToken, long delayMs) {
        long until = System.currentTimeMillis() + delayMs;
        pausedUntil.merge(accessToken, until, Math::max);
    }

    /** @return ms left of the token's pause, 0 when it is not paused */
    public long pausedMs(String accessToken) {
        if (pausedUntil.isEmpty()) {
            return 0;
        }
        Long until = pausedUntil.get(accessToken);
        if (until == null) {
            return 0;
        }
        long left = until - System.currentTimeMillis();
        if (left <= 0) {
            pausedUntil.remove(accessToken, until);
            return 0;
        }
        return left;
    }

    /** @return batches waiting for a retry or a pause. */
    public int pendingCount() {
        return pending.size();
    }

    /** @return events in batches waiting for a retry or a pause. */
    public int waitingEvents() {
        return waitingEvents.get();
    }

    private void fire(DeliveryBatch batch) {
        if (pending.remove(batch) == null) {
            return; // drained at shutdown
        }
        waitingEvents.addAndGet(-batch.size());
        if (stopping()) {
            giveUp(batch, "the forwarder stopped while the batch waited for retry " + (batch.chainAttempts() + 1));
            return;
        }
        try {
            delivery.dispatch(batch);
        } catch (RuntimeException e) {
            LOG.errorf("Cannot requeue a batch of %d event(s) for pixel %s: %s", batch.size(), batch.pixel(),
                    e.getMessage());
            deadLetters.deadLetter(batch, batch.items(),
                    DeadLetterReason.forwarder("internal-error", "cannot requeue for retry: " + e.getClass().getSimpleName(),
                            null));
        }
    }

    private boolean stopping() {
        return delivery.stopping() || camelContext.isStopping() || camelContext.isStopped();
    }

    /** Gives up every waiting batch (the forwarder stops): dead letter {@code shutdown} / Kafka: abandon. */
    public void drain() {
        List<DeliveryBatch> batches = new ArrayList<>(pending.keySet());
        for (DeliveryBatch b : batches) {
            CompletableFuture<ScheduledFuture<?>> f = pending.remove(b);
            if (f != null) {
                waitingEvents.addAndGet(-b.size());
                f.thenAccept(task -> task.cancel(false));
                giveUp(b, "the forwarder stopped while the batch waited for retry " + (b.chainAttempts() + 1));
            }
        }
    }

    /**
     * Gives a batch up at stop: events of a Kafka poll are abandoned (offsets stay uncommitted, the group consumes
     * them again), the others dead-lettered with reason {@code shutdown}.
     */
    public void giveUp(DeliveryBatch batch, String why) {
        List<BatchItem> untracked = new ArrayList<>();
        for (BatchItem i : batch.items()) {
            if (i.tracked()) {
                i.abandon(why);
            } else {
                untracked.add(i);
            }
        }
        if (untracked.size() < batch.size()) {
            LOG.infof("Stopping: %d event(s) for pixel %s are left to Kafka redelivery (offsets not committed)",
                    batch.size() - untracked.size(), batch.pixel());
        }
        deadLetters.deadLetter(batch, untracked, DeadLetterReason.forwarder("shutdown", why, null));
    }

    @PreDestroy
    void close() {
        drain();
        timer.shutdownNow();
    }
}
