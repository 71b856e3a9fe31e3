package io.github.ttforwarder.delivery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.config.KafkaSettings;
import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.batching.BatchItem;
import io.github.ttforwarder.delivery.batching.Batcher;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;
import io.github.ttforwarder.delivery.batching.DeliveryTracker;
import io.github.ttforwarder.delivery.deadletter.DeadLetterReason;
import io.github.ttforwarder.delivery.deadletter.DeadLetterRecorder;
import io.github.ttforwarder.delivery.deadletter.DeadLetterStore;
import io.github.ttforwarder.delivery.deadletter.ReplayContext;
import io.github.ttforwarder.delivery.dedup.DeliveredKeys;
import io.github.ttforwarder.delivery.sending.DeliveryOutcomeHandler;
import io.github.ttforwarder.delivery.sending.RequestRateLimiter;
import io.github.ttforwarder.delivery.sending.RetryScheduler;
import io.github.ttforwarder.model.OutboundEvent;

/**
 * The delivery stage's Java entry point and engine: {@link #submit} takes one finished TikTok event, a plain-Java
 * {@link Batcher} groups events into requests, and a bounded pool of {@code forwarder.http.concurrency} sender
 * threads sends each completed batch as ONE Camel exchange through {@value DeliveryRoutes#SEND_BATCH} (route
 * {@code tiktok-send-batch}, HTTP step {@code tiktok-events-api-call}). Nobody waits for a send: the batcher
 * hands a batch to the pool's queue and returns.
 *
 * <pre>
 * submit(OutboundEvent, DeliveryTracker)      caller's thread, returns at once
 *   unknown pixel → dead letter (unknown-pixel)          → {@link Submission#DEAD_LETTERED}
 *   (pixel code, event, event_id) seen before → dropped   → {@link Submission#DEDUPLICATED}
 *   else → Batcher (pixel, test_event_code)               → {@link Submission#QUEUED} / {@link Submission#DRY_RUN}
 * Batcher: max-events / max-bytes / max-wait → sender queue (unbounded list of batches; the backlog bounds it)
 * sender thread: token paused by Retry-After? → wait on the retry timer (no thread held)
 *                per-token rate limit (forwarder.tiktok.max-requests-per-second) → direct:tiktok-send-batch
 * </pre>
 *
 * <p><b>Backlog</b>: every event from {@code submit} until its terminal state (delivered, dead-lettered, abandoned)
 * counts in {@link #backlog()}. {@link #overloaded()} is true from {@code forwarder.backlog.max-events} on: HTTP
 * ingest then answers 503 + Retry-After and the Kafka consumer waits ({@link #awaitCapacity}). {@code submit}
 * itself never refuses an event (what a request already carried is accepted whole).
 *
 * <p><b>Stop</b>: when the Camel context starts stopping, open batches are completed and batches waiting for a
 * retry are dead-lettered ({@code shutdown}; Kafka mode: left uncommitted). After the routes stopped, the
 * senders get {@code camel.main.shutdown-timeout} seconds to finish the queue; batches still queued then are
 * dead-lettered ({@code shutdown}) too. Nothing accepted is dropped without a dead letter or a log line.
 */
@ApplicationScoped
@Named("delivery")
public class Delivery {

    /** Exchange property set by {@code direct:tiktok-deliver}: the {@link Submission} of the event. */
    public static final String SUBMISSION = "ForwarderSubmission";
    /**
     * Exchange property ({@link ReplayContext}): the event is a dead-letter replay. An unknown pixel is then
     * reported ({@link Submission#UNKNOWN_PIXEL}) instead of dead-lettered again; a dry replay submits nothing.
     */
    public static final String REPLAY = "ForwarderReplay";

    private static final Logger LOG = Logger.getLogger(Delivery.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What {@link #submit} did with an event. */
    public enum Submission {
        /** Queued for TikTok. */
        QUEUED,
        /** Queued for the dry-run file (the pixel has no access token). */
        DRY_RUN,
        /** Dropped: an event with the same (pixel code, event, event_id) was delivered or is in flight. */
        DEDUPLICATED,
        /** The pixel is not configured: dead-lettered ({@code unknown-pixel}). */
        DEAD_LETTERED,
        /** Replays only: the pixel is not configured; nothing sent, nothing written. */
        UNKNOWN_PIXEL
    }

    @Inject
    DeliveryConfig config;

    @Inject
    PixelRegistry pixels;

    @Inject
    DeadLetterStore deadLetterStore;

    @Inject
    DeadLetterRecorder deadLetters;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    DeliveredKeys deliveredKeys;

    @Inject
    KafkaSettings kafka;

    @Inject
    CamelContext camelContext;

    @Inject
    ProducerTemplate producer;

    @Inject
    RetryScheduler retries;

    @Inject
    DeliveryOutcomeHandler outcomes;

    @ConfigProperty(name = "camel.main.shutdown-timeout", defaultValue = "30")
    int shutdownTimeoutSeconds;

    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Runnable release = backlog::decrementAndGet;
    private final Map<String, RequestRateLimiter> limiters = new ConcurrentHashMap<>();
    private volatile ThreadPoolExecutor senders;
    private volatile ScheduledThreadPoolExecutor timer;
    private volatile Batcher batcher;
    private volatile boolean stopping;
    private volatile IdempotentRepository dedup;

    /** A queued send; kept as its own type so that the batches a stop leaves unsent can be found again. */
    private final class SendTask implements Runnable {
        final DeliveryBatch batch;

        SendTask(DeliveryBatch batch) {
            this.batch = batch;
        }

        @Override
        public void run() {
            send(batch);
        }
    }

    /** Creates the batcher and the sender pool and ties them to the Camel context's lifecycle (called once by {@link DeliveryRoutes}). */
    synchronized void start() {
        if (senders != null) {
            return;
        }
        int n = config.httpConcurrency();
        AtomicInteger no = new AtomicInteger();
        senders = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tiktok-sender-" + no.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, pool) -> task.run()); // after the stop began (splits of a last answer): run on the caller
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tiktok-batch-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        batcher = new Batcher(config.batchMaxEvents(), config.batchMaxBytes(), config.batchMaxWaitMs(), timer,
                this::dispatch);
        metrics.gauge(DeliveryMetrics.BACKLOG, backlog::get);
        metrics.gauge(DeliveryMetrics.IN_FLIGHT, inFlight::get);
        metrics.gauge(DeliveryMetrics.QUEUED_BATCHES, () -> senders.getQueue().size());
        metrics.gauge(DeliveryMetrics.RETRIES_WAITING, retries::waitingEvents);
        camelContext.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    beginStop();
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent;
            }
        });
        try {
            camelContext.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    finishStop();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the delivery stage's stop hook", e);
        }
        LOG.infof("Delivery: %d sender(s), batches of up to %d events / %d bytes / %d ms, backlog bound %d events, "
                + "at most %.0f requests/s per access token", n, config.batchMaxEvents(), config.batchMaxBytes(),
                config.batchMaxWaitMs(), config.backlogMaxEvents(), config.maxRequestsPerSecond());
    }

    /**
     * Hands one finished TikTok event to delivery. Never blocks on a send and never refuses an event because of
     * the backlog (check {@link #overloaded()} before accepting a request).
     *
     * @param event   the event: a configured pixel name, optional test_event_code, the hashed {@code data[]} item
     * @param tracker Kafka mode: the poll's tracker (the event is registered with it), else null
     * @return what happened to the event
     * @throws IllegalArgumentException when the event is null, has no {@code data[]} item or cannot be serialised
     */
    public Submission submit(OutboundEvent event, DeliveryTracker tracker) {
        return submit(event, tracker, false);
    }

    /**
     * Same as {@link #submit(OutboundEvent, DeliveryTracker)}; with {@code replay} an unknown pixel is reported as
     * {@link Submission#UNKNOWN_PIXEL} and not dead-lettered again.
     */
    public Submission submit(OutboundEvent in, DeliveryTracker tracker, boolean replay) {
        if (in == null || in.event() == null) {
            throw new IllegalArgumentException("delivery expects an OutboundEvent with an event");
        }
        Optional<Pixel> found = pixels.find(in.pixel());
        if (found.isEmpty()) {
            if (replay) {
                return Submission.UNKNOWN_PIXEL;
            }
            deadLetterStore.write(in, DeadLetterReason.forwarder("unknown-pixel",
                    "pixel " + in.pixel() + " is not configured", null), 0);
            LOG.warnf("Dead-lettered event %s event_id %s: pixel %s is not configured", in.eventName(), in.eventId(),
                    in.pixel());
            return Submission.DEAD_LETTERED;
        }
        Pixel p = found.get();
        ObjectNode item = in.event();
        if (item.has("test_event_code") || item.has("partner_name")) {
            item = item.deepCopy();
            item.remove("test_event_code");
            item.remove("partner_name");
        }
        String tec = in.testEventCode() == null || in.testEventCode().isBlank() ? null : in.testEventCode().trim();
        OutboundEvent ev = new OutboundEvent(p.name(), tec, item);
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(item);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be serialised: " + e.getOriginalMessage());
        }
        String eventId = ev.eventId();
        String dedupKey = eventId == null ? null
                : (p.code().isBlank() ? "name:" + p.name() : p.code()) + '\n' + ev.eventName() + '\n' + eventId;
        if (dedupKey != null && duplicate(dedupKey)) {
            metrics.deduplicated(p.name());
            LOG.debugf("Dropped duplicate event %s event_id %s for pixel %s (already delivered or in flight)",
                    ev.eventName(), eventId, p.name());
            return Submission.DEDUPLICATED;
        }
        backlog.incrementAndGet();
        BatchItem bi = new BatchItem(ev, json, dedupKey, tracker == null ? null : tracker.register(), release);
        batcher().add(bi);
        return p.dryRun() ? Submission.DRY_RUN : Submission.QUEUED;
    }

    /** @return true when a pixel of this name is configured */
    public boolean knows(String pixelName) {
        return pixels.find(pixelName).isPresent();
    }

    private boolean duplicate(String key) {
        if (kafka.enabled()) {
            return deliveredKeys.seen(key);
        }
        IdempotentRepository repo = dedup;
        if (repo == null) {
            repo = camelContext.getRegistry().lookupByNameAndType(config.dedupRepository(), IdempotentRepository.class);
            dedup = repo;
        }
        return repo != null && !repo.add(key); // eager: an event in flight counts as seen
    }

    private Batcher batcher() {
        Batcher b = batcher;
        if (b == null) {
            start();
            b = batcher;
        }
        return b;
    }

    /**
     * Queues a batch for the sender pool (completed batches, retries that are due, split halves). Never blocks.
     *
     * @param batch the batch to send
     */
    public void dispatch(DeliveryBatch batch) {
        if (senders == null) {
            start();
        }
        senders.execute(new SendTask(batch));
    }

    /** On a sender thread: waits out a Retry-After pause (on the timer) and the rate limit, then sends. */
    private void send(DeliveryBatch batch) {
        Pixel pixel = pixels.find(batch.pixel()).orElse(null);
        if (pixel != null && !pixel.dryRun()) {
            long paused = retries.pausedMs(pixel.accessToken());
            if (paused > 0) {
                retries.defer(batch, paused);
                return;
            }
            limiters.computeIfAbsent(pixel.accessToken(), t -> new RequestRateLimiter(config.maxRequestsPerSecond()))
                    .acquire();
        }
        inFlight.incrementAndGet();
        try {
            Exchange ex = new DefaultExchange(camelContext);
            ex.getIn().setBody(batch);
            producer.send(DeliveryRoutes.SEND_BATCH, ex);
            if (ex.getException() != null) {
                ex.setProperty(Exchange.EXCEPTION_CAUGHT, ex.getException());
                outcomes.failed(ex);
            }
        } catch (RuntimeException e) {
            Exchange ex = new DefaultExchange(camelContext);
            ex.getIn().setBody(batch);
            ex.setProperty(Exchange.EXCEPTION_CAUGHT, e);
            outcomes.failed(ex);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** @return events accepted and not yet delivered, dead-lettered or abandoned. */
    public int backlog() {
        return backlog.get();
    }

    /** @return HTTP requests to TikTok in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** @return true when the backlog reached {@code forwarder.backlog.max-events}: ingest must not accept more. */
    public boolean overloaded() {
        return backlog.get() >= config.backlogMaxEvents();
    }

    /** @return seconds a refused client should wait before trying again (the {@code Retry-After} of the 503). */
    public int retryAfterSeconds() {
        return (int) Math.max(1, (config.batchMaxWaitMs() + 999) / 1000);
    }

    /**
     * Kafka mode: waits (polling every 50 ms) until the backlog is under its bound, the context stops or the
     * time is up — the consumer does not poll meanwhile.
     *
     * @param maxWaitMs most ms to wait
     * @return true when there is room now
     */
    public boolean awaitCapacity(long maxWaitMs) {
        long end = System.currentTimeMillis() + maxWaitMs;
        boolean logged = false;
        while (overloaded() && !stopping && System.currentTimeMillis() < end) {
            if (!logged) {
                LOG.infof("Delivery backlog at its bound (%d events): the Kafka consumer waits", backlog.get());
                logged = true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !overloaded();
    }

    /** @return true once the Camel context began to stop. */
    public boolean stopping() {
        return stopping;
    }

    private void beginStop() {
        stopping = true;
        Batcher b = batcher;
        if (b != null) {
            b.flushAll();
        }
        retries.drain();
    }

    private void finishStop() {
        stopping = true;
        Batcher b = batcher;
        ThreadPoolExecutor pool = senders;
        if (b == null || pool == null) {
            return;
        }
        b.flushAll();
        retries.drain();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(Math.max(1, shutdownTimeoutSeconds), TimeUnit.SECONDS)) {
                List<Runnable> left = pool.shutdownNow();
                int events = 0;
                for (Runnable r : left) {
                    if (r instanceof SendTask t) {
                        events += t.batch.size();
                        retries.giveUp(t.batch, "the forwarder stopped before the batch could be sent");
                    }
                }
                LOG.warnf("Stop: %d queued batch(es) (%d event(s)) not sent within camel.main.shutdown-timeout=%ds "
                        + "were dead-lettered (shutdown); %d request(s) still in flight", left.size(), events,
                        shutdownTimeoutSeconds, inFlight.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retries.drain();
        timer.shutdownNow();
        if (backlog.get() > 0) {
            LOG.warnf("Stop: %d event(s) still in flight to TikTok when the forwarder stopped", backlog.get());
        }
    }
}
