package io.github.ttforwarder.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.support.ExpressionAdapter;

import io.github.ttforwarder.config.KafkaSettings;

/**
 * The delivery routes (TikTok Events API 2.0, {@code POST /open_api/v1.3/event/track/}).
 *
 * <pre>
 * direct:tiktok-deliver   (tiktok-deliver, caller's thread, returns at once)
 *   → deliveryIntake.accept (OutboundEvent → BatchItem, correlation headers; unknown pixel → dead letter)
 *   → with event_id: direct:tiktok-dedup (Idempotent Consumer, eager; duplicate → counted, dropped;
 *     Kafka mode: dropped only when the key was delivered before, see DeliveredKeys)
 *   → direct:tiktok-batch  (Aggregate by pixel + test_event_code: max-events / max-wait / max-bytes)
 *   → seda:tiktok-send     (bounded queue; blocks the caller only when full)
 * seda:tiktok-send        (tiktok-send, forwarder.http.concurrency threads)
 *   → Split by forwarder.batch.max-bytes (BatchSizeSplitter)
 *   → direct:tiktok-send-batch (tiktok-send-batch: dry-run file, or HTTP call + response handling)
 * </pre>
 *
 * <p>Threads: the caller only serialises the event and adds it to a batch; HTTP calls run on the
 * {@code tiktok-send} consumers; retries wait on {@link RetryScheduler}'s timer, never on a sender.
 * Shutdown (reverse start order): the intake stops first and the aggregator force-completes its open
 * batches onto the queue; the senders then finish every queued batch ({@code CompleteAllTasks}) within
 * {@code camel.main.shutdown-timeout}; batches waiting for a retry are dead-lettered ({@code shutdown}).
 */
@ApplicationScoped
public class DeliveryRoutes extends RouteBuilder {

    /** Entry point: body {@code io.github.ttforwarder.model.OutboundEvent}, InOnly. */
    public static final String DELIVER = "direct:tiktok-deliver";
    /** Sends one {@link DeliveryBatch} synchronously (dry run or HTTP + outcome handling). */
    public static final String SEND_BATCH = "direct:tiktok-send-batch";
    /** Header: batch correlation key. */
    public static final String HEADER_BATCH_KEY = "TtfBatchKey";
    /** Header: dedup key (pixel code, event, event_id). */
    public static final String HEADER_DEDUP_KEY = "TtfDedupKey";
    /** Exchange property holding the {@link DeliveryBatch} during the HTTP call. */
    public static final String PROP_BATCH = "TtfBatch";

    @Inject
    DeliveryConfig config;

    @Inject
    DeliveryIntake intake;

    @Inject
    BatchAggregationStrategy strategy;

    @Inject
    BatchSizeSplitter splitter;

    @Inject
    TikTokRequestFactory requests;

    @Inject
    DryRunWriter dryRun;

    @Inject
    DeliveryOutcomeHandler outcomes;

    @Inject
    RetryScheduler retryScheduler;

    @Inject
    KafkaSettings kafka;

    @Inject
    DeliveredKeys deliveredKeys;

    /** @return the send-queue URI (same options on producer and consumer side). */
    public String sendQueue() {
        return "seda:tiktok-send?size=" + config.sendQueueSize() + "&blockWhenFull=true";
    }

    /** Builds the routes tiktok-deliver, tiktok-dedup, tiktok-batch, tiktok-send and tiktok-send-batch (see the class doc). */
    @Override
    public void configure() throws Exception {
        getContext().addService(retryScheduler.lifecycle(sendQueue()));

        from(DELIVER).routeId("tiktok-deliver").startupOrder(40)
                .process(intake::accept).id("intake")
                .choice()
                    .when(header(HEADER_DEDUP_KEY).isNotNull()).to("direct:tiktok-dedup")
                    .otherwise().to("direct:tiktok-batch")
                .end();

        if (kafka.enabled()) {
            // Kafka mode: a key is recorded only once TikTok accepted the event (DeliveredKeys), so that a
            // killed instance never leaves behind the key of an event it did not deliver.
            from("direct:tiktok-dedup").routeId("tiktok-dedup").startupOrder(30)
                    .choice()
                        .when(method(deliveredKeys, "seen(${header.TtfDedupKey})"))
                            .process(intake::duplicate).id("count-duplicate")
                        .otherwise()
                            .to("direct:tiktok-batch")
                    .end();
        } else {
            from("direct:tiktok-dedup").routeId("tiktok-dedup").startupOrder(30)
                    .idempotentConsumer(header(HEADER_DEDUP_KEY)).idempotentRepository(config.dedupRepository())
                        .eager(true).skipDuplicate(false).removeOnFailure(true)
                        .choice()
                            .when(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                                .bean(intake, "duplicate").id("count-duplicate")
                            .otherwise()
                                .to("direct:tiktok-batch")
                        .end()
                    .end();
        }

        MemoryAggregationRepository batches = new MemoryAggregationRepository();
        long maxWait = config.batchMaxWaitMs();
        from("direct:tiktok-batch").routeId("tiktok-batch").startupOrder(20)
                .aggregate(header(HEADER_BATCH_KEY), strategy).id("batch-events")
                    .aggregationRepository(batches)
                    .completionSize(config.batchMaxEvents())
                    .completionTimeout(new ExpressionAdapter() {
                        @Override
                        public Object evaluate(Exchange exchange) {
                            // time left of the open batch's max-wait (the timeout is re-armed on every event)
                            Exchange open = batches.get(exchange.getContext(),
                                    exchange.getIn().getHeader(HEADER_BATCH_KEY, String.class));
                            DeliveryBatch b = open == null ? null : open.getIn().getBody(DeliveryBatch.class);
                            long left = b == null ? maxWait : maxWait - (System.currentTimeMillis() - b.createdMs());
                            return Math.max(1L, left);
                        }
                    })
                    .completionTimeoutCheckerInterval(Math.max(1L, Math.min(100L, maxWait / 10)))
                    .completionPredicate(method(strategy, "isFull"))
                    .forceCompletionOnStop()
                    .completeAllOnStop()
                    .removeHeaders("Ttf*")
                    .to(sendQueue()).id("enqueue-batch")
                .end();

        from(sendQueue() + "&concurrentConsumers=" + config.httpConcurrency()).routeId("tiktok-send").startupOrder(10)
                .shutdownRunningTask(ShutdownRunningTask.CompleteAllTasks)
                .onException(Exception.class).handled(true)
                    .bean(outcomes, "failed").id("dead-letter-on-error")
                .end()
                .split(method(splitter, "split"))
                    .to(SEND_BATCH)
                .end();

        String trackUri = config.trackUrl() + "?throwExceptionOnFailure=false";
        // Timeouts are read from the component when the endpoint (and its HTTP client) is created.
        // The delivery stage is the application's only user of the http/https component.
        HttpComponent component = getContext().getComponent(trackUri.substring(0, trackUri.indexOf(':')),
                HttpComponent.class);
        component.setConnectTimeout(config.connectTimeoutMs());
        component.setConnectionRequestTimeout(config.connectTimeoutMs());
        component.setResponseTimeout(config.readTimeoutMs());
        component.setSoTimeout(config.readTimeoutMs());
        HttpEndpoint http = getContext().getEndpoint(trackUri, HttpEndpoint.class);

        from(SEND_BATCH).routeId("tiktok-send-batch").startupOrder(5)
                .errorHandler(noErrorHandler())
                .choice()
                    .when(method(requests, "isDryRun"))
                        .bean(dryRun, "write").id("dry-run-append")
                    .otherwise()
                        .removeHeaders("*")
                        .bean(requests, "prepare").id("build-request")
                        .doTry()
                            .to(http).id("tiktok-events-api-call")
                        .doCatch(Exception.class)
                            .removeHeaders("*")
                        .end()
                        .bean(outcomes, "handle").id("handle-response")
                .end();
    }
}
