package io.github.ttforwarder.delivery.sending;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.delivery.DeliveryConfig;
import io.github.ttforwarder.delivery.DeliveryMetrics;
import io.github.ttforwarder.delivery.DeliveryRoutes;
import io.github.ttforwarder.delivery.TokenHealthCheck;
import io.github.ttforwarder.delivery.batching.BatchItem;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;
import io.github.ttforwarder.delivery.deadletter.DeadLetterReason;
import io.github.ttforwarder.delivery.deadletter.DeadLetterRecorder;
import io.github.ttforwarder.delivery.dedup.DeliveredKeys;

/**
 * Acts on the answer of one TikTok request (after {@code tiktok-events-api-call}), following TikTok Events API
 * 2.0 §6 as classified by {@link ResponseClassifier}:
 * <ul>
 * <li>delivered (0) / partial (20001, logged at WARN): counted, the pixel's token is marked working, the events
 *     are marked terminal for their Kafka poll and (Kafka mode) their dedup keys published ({@link DeliveredKeys});</li>
 * <li>retry: the same batch is scheduled again on the forwarder's own timer ({@link RetryScheduler}) with
 *     {@link BackoffPolicy} delays (at least Retry-After; a Retry-After also pauses the batch's access token, so
 *     its other batches wait too while other tokens keep flowing), counted and logged, until
 *     {@code forwarder.retry.max-attempts} attempts or {@code forwarder.retry.max-elapsed} ms, then dead-lettered
 *     ({@code retries-exhausted}, with the last answer);</li>
 * <li>40002: the events named by {@code Batch.N.} are dead-lettered with TikTok's message and the rest resent;
 *     without usable indexes the batch is split in halves recursively (a single event is dead-lettered);</li>
 * <li>40061: split in halves and resent;</li>
 * <li>token rejected (401xx but 40100): dead-lettered, wellness check DOWN for the pixel ({@link TokenHealthCheck});</li>
 * <li>anything else: dead-lettered without retry.</li>
 * </ul>
 * Failures are logged with TikTok's code, message and request_id — never the token.
 * Split halves and the rest of a 40002 batch are queued for the sender pool ({@link Delivery#dispatch}); retries go
 * through {@link RetryScheduler}.
 */
@ApplicationScoped
@Named("deliveryOutcomeHandler")
public class DeliveryOutcomeHandler {

    private static final Logger LOG = Logger.getLogger(DeliveryOutcomeHandler.class);

    @Inject
    ResponseClassifier classifier;

    @Inject
    BackoffPolicy backoff;

    @Inject
    RetryScheduler retries;

    @Inject
    DeadLetterRecorder deadLetters;

    @Inject
    @io.smallrye.health.api.Wellness
    TokenHealthCheck tokens;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    DeliveryConfig config;

    @Inject
    PixelRegistry pixels;

    @Inject
    Delivery delivery;

    @Inject
    DeliveredKeys deliveredKeys;

    @Inject
    io.github.ttforwarder.ops.ForwarderMetrics meters;

    /**
     * @param exchange the exchange after the HTTP call: property {@value DeliveryRoutes#PROP_BATCH} holds the batch,
     *                 {@code CamelExceptionCaught} a transport error if any, else the HTTP status header and body
     */
    public void handle(Exchange exchange) {
        DeliveryBatch batch = exchange.getProperty(DeliveryRoutes.PROP_BATCH, DeliveryBatch.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = error == null ? exchange.getMessage().getBody(String.class) : null;
        long retryAfter = BackoffPolicy.parseRetryAfter(exchange.getMessage().getHeader("Retry-After", String.class),
                Instant.now());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(null);
        DeliveryOutcome outcome = classifier.classify(status == null ? 0 : status, body, error, retryAfter);
        metrics.request(batch.pixel(), outcome.resultTag());
        meters.tiktokAnswered(exchange, batch, outcome);
        apply(batch, outcome);
    }

    /**
     * Last resort of the send route: an unexpected error (not a TikTok answer) — dead-letters the batch with
     * reason {@code internal-error}; if even that fails, logs the event ids at ERROR so nothing vanishes silently.
     *
     * @param exchange the failed exchange (batch in property {@value DeliveryRoutes#PROP_BATCH} or in the body)
     */
    public void failed(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        DeliveryBatch batch = exchange.getProperty(DeliveryRoutes.PROP_BATCH, DeliveryBatch.class);
        if (batch == null && exchange.getIn().getBody() instanceof DeliveryBatch b) {
            batch = b;
        }
        exchange.getMessage().removeHeaders("*");
        String what = error == null ? "unknown error" : error.getClass().getSimpleName() + ": " + error.getMessage();
        if (batch == null) {
            LOG.errorf("Delivery failed without a batch: %s", what);
            return;
        }
        try {
            deadLetters.deadLetter(batch, batch.items(), DeadLetterReason.forwarder("internal-error", what, null));
        } catch (RuntimeException e) {
            batch.items().forEach(i -> i.abandon("cannot dead-letter: " + e.getMessage()));
            LOG.errorf("LOST unless resent: cannot dead-letter %d event(s) for pixel %s (%s; dead-letter store: %s); "
                    + "event ids: %s", batch.size(), batch.pixel(), what, e.getMessage(),
                    batch.items().stream().map(i -> i.eventName() + "/" + i.eventId()).toList());
        }
    }

    /** Applies an outcome to a batch (package-visible for tests). */
    void apply(DeliveryBatch batch, DeliveryOutcome o) {
        switch (o.kind()) {
            case DELIVERED -> {
                metrics.delivered(batch.pixel(), "ok", batch.size());
                deliveredKeys.delivered(batch.items());
                tokens.tokenAccepted(batch.pixel());
                LOG.infof("Delivered %d event(s) to pixel %s (%s) in %d attempt(s), request_id %s", batch.size(),
                        batch.pixel(), pixelCode(batch), batch.attempts(), o.requestId());
            }
            case PARTIAL -> {
                metrics.delivered(batch.pixel(), "partial", batch.size());
                deliveredKeys.delivered(batch.items());
                tokens.tokenAccepted(batch.pixel());
                LOG.warnf("TikTok partially accepted %d event(s) for pixel %s (%s): code %s, %s, request_id %s",
                        batch.size(), batch.pixel(), pixelCode(batch), o.code(), o.message(), o.requestId());
            }
            case RETRY -> retry(batch, o);
            case INVALID_EVENTS -> isolate(batch, o);
            case SPLIT -> {
                LOG.warnf("TikTok refused the batch size (%d events) for pixel %s: code %s, %s, request_id %s; splitting",
                        batch.size(), batch.pixel(), o.code(), o.message(), o.requestId());
                splitOrDeadLetter(batch, o);
            }
            case TOKEN_REJECTED -> {
                tokens.tokenRejected(batch.pixel(), pixelCode(batch), o.code(), o.message());
                deadLetters.deadLetter(batch, batch.items(), tiktok(o));
            }
            case REJECTED -> {
                LOG.warnf("TikTok rejected %d event(s) for pixel %s (%s): code %s, %s, request_id %s", batch.size(),
                        batch.pixel(), pixelCode(batch), o.code(), o.message(), o.requestId());
                deadLetters.deadLetter(batch, batch.items(), tiktok(o));
            }
        }
    }

    private void retry(DeliveryBatch batch, DeliveryOutcome o) {
        String last = o.code() + (o.message() == null ? "" : " " + o.message());
        if (batch.chainAttempts() >= config.retryMaxAttempts()) {
            deadLetters.deadLetter(batch, batch.items(), DeadLetterReason.forwarder("retries-exhausted",
                    "gave up after " + batch.chainAttempts() + " attempts (forwarder.retry.max-attempts); last: " + last,
                    o.requestId()));
            return;
        }
        long delay = backoff.delayMs(batch.chainAttempts(), o.retryAfterMs());
        long elapsedAtRetry = System.currentTimeMillis() + delay - batch.chainStartMs();
        if (elapsedAtRetry > config.retryMaxElapsedMs()) {
            deadLetters.deadLetter(batch, batch.items(), DeadLetterReason.forwarder("retries-exhausted",
                    "gave up after " + batch.chainAttempts() + " attempts: the next one would start after "
                            + "forwarder.retry.max-elapsed; last: " + last, o.requestId()));
            return;
        }
        if (o.retryAfterMs() > 0) {
            pixels.find(batch.pixel()).filter(p -> !p.dryRun())
                    .ifPresent(p -> retries.pause(p.accessToken(), o.retryAfterMs()));
        }
        metrics.retried(batch.pixel(), o.resultTag(), batch.size());
        LOG.warnf("Delivery of %d event(s) to pixel %s failed (%s, request_id %s); retry %d of %d in %d ms",
                batch.size(), batch.pixel(), last, o.requestId(), batch.chainAttempts(), config.retryMaxAttempts() - 1,
                delay);
        retries.schedule(batch, delay);
    }

    private void isolate(DeliveryBatch batch, DeliveryOutcome o) {
        List<BatchItem> items = batch.items();
        if (items.size() == 1) {
            deadLetters.deadLetter(batch, items, tiktok(o));
            return;
        }
        Set<Integer> bad = new TreeSet<>();
        for (Integer i : o.badIndexes()) {
            if (i >= 0 && i < items.size()) {
                bad.add(i);
            }
        }
        if (bad.isEmpty()) {
            LOG.warnf("TikTok rejected a batch of %d event(s) for pixel %s without naming the bad event (code %s, %s, "
                    + "request_id %s); splitting it to find it", items.size(), batch.pixel(), o.code(), o.message(),
                    o.requestId());
            splitOrDeadLetter(batch, o);
            return;
        }
        List<BatchItem> badItems = new ArrayList<>();
        List<BatchItem> good = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            (bad.contains(i) ? badItems : good).add(items.get(i));
        }
        LOG.warnf("TikTok rejected %d of %d event(s) for pixel %s: code %s, %s, request_id %s; resending the other %d",
                badItems.size(), items.size(), batch.pixel(), o.code(), o.message(), o.requestId(), good.size());
        deadLetters.deadLetter(batch, badItems, tiktok(o));
        if (!good.isEmpty()) {
            resend(batch.subBatch(good));
        }
    }

    private void splitOrDeadLetter(DeliveryBatch batch, DeliveryOutcome o) {
        List<BatchItem> items = batch.items();
        if (items.size() == 1) {
            deadLetters.deadLetter(batch, items, tiktok(o));
            return;
        }
        int half = items.size() / 2;
        resend(batch.subBatch(new ArrayList<>(items.subList(0, half))));
        resend(batch.subBatch(new ArrayList<>(items.subList(half, items.size()))));
    }

    private void resend(DeliveryBatch sub) {
        try {
            delivery.dispatch(sub);
        } catch (RuntimeException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            deadLetters.deadLetter(sub, sub.items(), DeadLetterReason.forwarder("internal-error",
                    "resend of a split batch failed: " + c.getClass().getSimpleName() + ": " + c.getMessage(), null));
        }
    }

    private static DeadLetterReason tiktok(DeliveryOutcome o) {
        return DeadLetterReason.tiktok(o.code(), o.message(), o.requestId());
    }

    private String pixelCode(DeliveryBatch batch) {
        return pixels.find(batch.pixel()).map(Pixel::code).orElse("?");
    }
}
