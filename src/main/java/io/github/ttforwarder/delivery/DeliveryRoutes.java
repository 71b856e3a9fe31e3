package io.github.ttforwarder.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;

import io.github.ttforwarder.delivery.batching.DeliveryBatch;
import io.github.ttforwarder.delivery.batching.DeliveryTracker;
import io.github.ttforwarder.delivery.deadletter.ReplayContext;
import io.github.ttforwarder.delivery.sending.DeliveryOutcomeHandler;
import io.github.ttforwarder.delivery.sending.TikTokRequestFactory;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.OutboundEvent;

/**
 * The delivery routes (TikTok Events API 2.0, {@code POST /open_api/v1.3/event/track/}). The batching and the
 * sender pool are plain Java ({@link Delivery}); Camel is at the edges:
 *
 * <pre>
 * direct:tiktok-deliver      (tiktok-deliver)     thin wrapper of {@link Delivery#submit}: body OutboundEvent,
 *                                                 returns at once; sets property {@value Delivery#SUBMISSION}
 * direct:tiktok-send-batch   (tiktok-send-batch)  one exchange per batch, on a sender thread:
 *   pixel without token → dry-run file; else build request → HTTP POST (step tiktok-events-api-call)
 *   → deliveryOutcomeHandler (deliver / retry on the forwarder's timer / split / dead-letter)
 * </pre>
 *
 * <p>HTTP client: Camel's {@code http} component (Apache HttpClient 5) with its automatic retries and redirect
 * handling turned off — every retry is the forwarder's own, counted and logged; a 3xx is an answer like any
 * other (dead-lettered). Up to {@code forwarder.http.concurrency} pooled connections to TikTok.
 */
@ApplicationScoped
public class DeliveryRoutes extends RouteBuilder {

    /** Entry point: body {@link OutboundEvent}; returns at once (see {@link Delivery#submit}). */
    public static final String DELIVER = "direct:tiktok-deliver";
    /** Sends one {@link DeliveryBatch} synchronously (dry run or HTTP + outcome handling). */
    public static final String SEND_BATCH = "direct:tiktok-send-batch";
    /** Exchange property holding the {@link DeliveryBatch} during the HTTP call. */
    public static final String PROP_BATCH = "TtfBatch";

    @Inject
    DeliveryConfig config;

    @Inject
    Delivery delivery;

    @Inject
    TikTokRequestFactory requests;

    @Inject
    DryRunWriter dryRun;

    @Inject
    DeliveryOutcomeHandler outcomes;

    /** Builds the routes tiktok-deliver and tiktok-send-batch (see the class doc). */
    @Override
    public void configure() throws Exception {
        from(DELIVER).routeId("tiktok-deliver").startupOrder(40)
                .process(this::deliver).id("submit-to-delivery");

        String trackUri = config.trackUrl() + "?throwExceptionOnFailure=false";
        // Timeouts and client options are read from the component when the endpoint (and its HTTP client) is
        // created. The delivery stage is the application's only user of the http/https component.
        HttpComponent component = getContext().getComponent(trackUri.substring(0, trackUri.indexOf(':')),
                HttpComponent.class);
        component.setConnectTimeout(config.connectTimeoutMs());
        component.setConnectionRequestTimeout(config.connectTimeoutMs());
        component.setResponseTimeout(config.readTimeoutMs());
        component.setSoTimeout(config.readTimeoutMs());
        component.setAutomaticRetriesDisabled(true); // no hidden retry of 429/503/IO errors inside the client
        component.setRedirectHandlingDisabled(true);
        component.setFollowRedirects(false);
        component.setConnectionsPerRoute(Math.max(20, config.httpConcurrency() + 4));
        component.setMaxTotalConnections(Math.max(200, config.httpConcurrency() * 2));
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
        delivery.start();
    }

    /**
     * {@code direct:tiktok-deliver}: submits the body and records the result in property
     * {@value Delivery#SUBMISSION}; a deduplicated event is moved from {@code sent} to {@code deduplicated} in the
     * inbound event's {@link EventOutcome} (property {@value Headers#OUTCOME}), if any.
     */
    private void deliver(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (!(body instanceof OutboundEvent in) || in.event() == null) {
            throw new IllegalArgumentException("direct:tiktok-deliver expects an OutboundEvent with an event, got "
                    + (body == null ? "null" : body.getClass().getName()));
        }
        DeliveryTracker tracker = exchange.getProperty(DeliveryTracker.PROPERTY, DeliveryTracker.class);
        ReplayContext replay = exchange.getProperty(Delivery.REPLAY, ReplayContext.class);
        Delivery.Submission s;
        if (replay != null && replay.dry()) {
            s = delivery.knows(in.pixel()) ? Delivery.Submission.QUEUED : Delivery.Submission.UNKNOWN_PIXEL;
        } else {
            s = delivery.submit(in, tracker, replay != null);
        }
        if (replay != null) {
            if (s == Delivery.Submission.UNKNOWN_PIXEL) {
                replay.problem("pixel " + in.pixel() + " is not configured");
            } else {
                replay.sent(in);
            }
        }
        exchange.setProperty(Delivery.SUBMISSION, s);
        EventOutcome outcome = exchange.getProperty(Headers.OUTCOME, EventOutcome.class);
        if (outcome != null) {
            if (s == Delivery.Submission.DEDUPLICATED) {
                outcome.deduplicated(in.eventId(), in.pixel());
            } else if (s == Delivery.Submission.DRY_RUN) {
                outcome.markDryRun();
            } else if (s == Delivery.Submission.UNKNOWN_PIXEL) {
                outcome.notSent(in.eventId(), in.pixel(), "pixel", "no pixel named '" + in.pixel() + "' is configured");
            }
        }
    }
}
