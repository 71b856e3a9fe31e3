package io.github.ttforwarder.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Service;
import org.apache.camel.support.service.ServiceSupport;
import org.jboss.logging.Logger;

/**
 * Scheduled redelivery: puts a batch back on the send queue ({@link DeliveryRoutes#SEND_QUEUE}) after a
 * delay, on its own single timer thread, so that waiting for a retry never blocks the aggregator, the
 * senders or the ingest threads. The batch is resent unchanged (same body, same {@code event_id}s:
 * TikTok Events API 2.0 §6, retries must reuse the event_id so TikTok's dedup keeps them single).
 *
 * <p>Shutdown: once the Camel context is stopping, a batch that waits for (or becomes due for) a retry is
 * dead-lettered with reason {@code shutdown} instead (replayable with {@code POST /admin/dead-letters/replay?reason=shutdown});
 * nothing is dropped silently. In Kafka mode such events are not dead-lettered but abandoned for their poll
 * ({@link DeliveryTracker.Ticket#abandon}): their offsets stay uncommitted and the group consumes them again.
 */
@ApplicationScoped
@Named("retryScheduler")
public class RetryScheduler {

    private static final Logger LOG = Logger.getLogger(RetryScheduler.class);

    @Inject
    CamelContext camelContext;

    @Inject
    ProducerTemplate producer;

    @Inject
    DeadLetterRecorder deadLetters;

    /** Batches waiting for their retry, with the handle of their timer task (completed once scheduled). */
    private final Map<DeliveryBatch, CompletableFuture<ScheduledFuture<?>>> pending = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "tiktok-retry-timer");
        t.setDaemon(true);
        return t;
    });

    private volatile String sendUri;

    /**
     * @param sendUri the send-queue endpoint URI to resend to
     * @return a Camel service to add to the context: stopping it (after the routes stopped) dead-letters the
     *         batches still waiting for a retry
     */
    public Service lifecycle(String sendUri) {
        this.sendUri = sendUri;
        timer.setRemoveOnCancelPolicy(true);
        return new ServiceSupport() {
            @Override
            protected void doStop() {
                drain();
            }
        };
    }

    /**
     * @param batch   the batch to resend unchanged
     * @param delayMs delay in ms
     */
    public void schedule(DeliveryBatch batch, long delayMs) {
        if (stopping()) {
            giveUp(batch);
            return;
        }
        // Registered before it is scheduled: a short delay may fire before schedule() even returns, and fire()
        // treats an unregistered batch as drained.
        CompletableFuture<ScheduledFuture<?>> handle = new CompletableFuture<>();
        pending.put(batch, handle);
        handle.complete(timer.schedule(() -> fire(batch), Math.max(0, delayMs), TimeUnit.MILLISECONDS));
    }

    /** @return batches waiting for a retry. */
    public int pendingCount() {
        return pending.size();
    }

    /** @return events in the batches waiting for a retry. */
    public long pendingEvents() {
        return pending.keySet().stream().mapToLong(DeliveryBatch::size).sum();
    }

    private void fire(DeliveryBatch batch) {
        if (pending.remove(batch) == null) {
            return; // drained at shutdown
        }
        if (stopping()) {
            giveUp(batch);
            return;
        }
        try {
            producer.sendBody(sendUri, batch);
        } catch (RuntimeException e) {
            LOG.errorf("Cannot requeue a batch of %d event(s) for pixel %s: %s", batch.size(), batch.pixel(),
                    e.getMessage());
            deadLetters.deadLetter(batch, batch.items(),
                    DeadLetterReason.forwarder("internal-error", "cannot requeue for retry: " + e.getClass().getSimpleName(),
                            null));
        }
    }

    private boolean stopping() {
        return camelContext.isStopping() || camelContext.isStopped();
    }

    private void drain() {
        List<DeliveryBatch> batches = new ArrayList<>(pending.keySet());
        for (DeliveryBatch b : batches) {
            CompletableFuture<ScheduledFuture<?>> f = pending.remove(b);
            if (f != null) {
                f.thenAccept(task -> task.cancel(false));
                giveUp(b);
            }
        }
    }

    private void giveUp(DeliveryBatch batch) {
        // Kafka mode: events of a Kafka poll are not dead-lettered at shutdown; their offsets stay uncommitted
        // and the group consumes them again (this or another instance).
        List<BatchItem> untracked = new ArrayList<>();
        for (BatchItem i : batch.items()) {
            if (i.tracked()) {
                i.ticket().abandon("the forwarder stopped while a retry waited");
            } else {
                untracked.add(i);
            }
        }
        if (untracked.size() < batch.size()) {
            LOG.infof("Stopping: %d event(s) for pixel %s waiting for a retry are left to Kafka redelivery (offsets not committed)",
                    batch.size() - untracked.size(), batch.pixel());
        }
        deadLetters.deadLetter(batch, untracked, DeadLetterReason.forwarder("shutdown",
                "the forwarder stopped while the batch waited for retry " + (batch.chainAttempts() + 1), null));
    }

    @PreDestroy
    void close() {
        drain();
        timer.shutdownNow();
    }
}
