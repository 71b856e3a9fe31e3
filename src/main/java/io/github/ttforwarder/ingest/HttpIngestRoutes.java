package io.github.ttforwarder.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import io.github.ttforwarder.config.KafkaSettings;
import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.ingest.IngestResponseWriter.Style;
import io.github.ttforwarder.queue.QueueEnqueuer;
import io.github.ttforwarder.queue.QueueUnavailableException;
import io.github.ttforwarder.websdk.WebSdkEdge;

/**
 * HTTP ingest (Camel platform-http): the Adobe Edge endpoints and the plain {@code /events} endpoint. Each
 * request is read into events ({@link InboundBodyReader}), every event is split off and offered to the rules
 * ({@code direct:offer-to-rules}), and the answer says what became of each ({@link IngestResponseWriter}).
 *
 * <ul>
 * <li>{@code POST /ee/v2/collect[?silent=true]} — Edge Server API batch → 202 (204 when silent)</li>
 * <li>{@code POST /ee/v2/interact} — Edge Server API, one event → 200 {@code {"requestId","handle":[]}}</li>
 * <li>{@code POST /ee[/{locationHint}]/v1/interact} — Web SDK (JSON sent as text/plain) → 200</li>
 * <li>{@code POST /ee[/{locationHint}]/v1/collect} — Web SDK {@code sendBeacon} → 204</li>
 * <li>{@code POST /ee[/{locationHint}]/v1/identity/acquire} and {@code /v1/privacy/set-consent} — Web SDK
 *     calls without events → 200 {@code {"requestId","handle":[]}}</li>
 * <li>{@code POST /events} — plain events or relayed Adobe events, one object or an array → 202</li>
 * </ul>
 *
 * <p>Kafka mode ({@code forwarder.queue=kafka}): the events are published to the queue topic instead
 * ({@link QueueEnqueuer}) and the request is answered once Kafka acknowledged all of them — {@code /events} and
 * {@code /ee/v2/collect} with 202 {@code {"requestId","received","queued","rejected","events"}}, the other
 * endpoints as above; 503 problem+json when Kafka did not acknowledge them.
 *
 * <p>Backpressure (embedded mode): while the delivery backlog is at {@code forwarder.backlog.max-events}
 * ({@link Delivery#overloaded()}), a request is answered {@code 503} problem+json with {@code Retry-After} before
 * its body is read; nothing of it is accepted.
 */
@ApplicationScoped
public class HttpIngestRoutes extends RouteBuilder {

    @Inject
    RequestContextExtractor requestContext;
    @Inject
    InboundBodyReader bodyReader;
    @Inject
    IngestResponseWriter responses;
    @Inject
    KafkaSettings kafka;
    @Inject
    QueueEnqueuer enqueuer;
    /** Web SDK first-party edge steps (identity, consent, cookies, requestId dedup, relay); no-ops for other paths. */
    @Inject
    WebSdkEdge webSdk;
    @Inject
    Delivery delivery;
    @Inject
    io.github.ttforwarder.security.IngestGuard guard;

    @Override
    public void configure() {
        endpoint("ingest-events", "/events", Style.EVENTS);
        endpoint("ingest-edge-collect", "/ee/v2/collect", Style.COLLECT);
        endpoint("ingest-edge-interact", "/ee/v2/interact", Style.INTERACT);
        endpoint("ingest-websdk-interact", "/ee/v1/interact", Style.WEB_SDK);
        endpoint("ingest-websdk-interact-hint", "/ee/{locationHint}/v1/interact", Style.WEB_SDK);
        endpoint("ingest-websdk-collect", "/ee/v1/collect", Style.BEACON);
        endpoint("ingest-websdk-collect-hint", "/ee/{locationHint}/v1/collect", Style.BEACON);
        noEvents("ingest-websdk-identity", "/ee/v1/identity/acquire");
        noEvents("ingest-websdk-identity-hint", "/ee/{locationHint}/v1/identity/acquire");
        noEvents("ingest-websdk-consent", "/ee/v1/privacy/set-consent");
        noEvents("ingest-websdk-consent-hint", "/ee/{locationHint}/v1/privacy/set-consent");

        if (kafka.enabled()) {
            // Durable mode: answer only after Kafka acknowledged every event; the consumer group does the rest.
            from("direct:ingest").routeId("ingest")
                    .onException(MalformedRequestException.class).handled(true)
                        .process(responses::malformed)
                        .process(webSdk::answer)
                    .end()
                    .onException(QueueUnavailableException.class).handled(true)
                        .process(responses::unavailable)
                        .process(webSdk::answer)
                    .end()
                    .onException(Exception.class).handled(true)
                        .process(responses::internalError)
                        .process(webSdk::answer)
                    .end()
                    .process(webSdk::capture)
                    .process(requestContext)
                    .process(bodyReader)
                    .process(webSdk::gate)
                    .process(enqueuer).id("enqueue-to-kafka")
                    .process(responses::respondQueued)
                    .process(webSdk::answer);
            return;
        }
        from("direct:ingest").routeId("ingest")
                .onException(MalformedRequestException.class).handled(true)
                    .process(responses::malformed)
                    .process(webSdk::answer)
                .end()
                .onException(Exception.class).handled(true)
                    .process(responses::internalError)
                    .process(webSdk::answer)
                .end()
                .process(webSdk::capture)
                .process(requestContext)
                .filter(exchange -> delivery.overloaded())
                    // backpressure: the delivery backlog is at forwarder.backlog.max-events: 503 + Retry-After
                    .setProperty(IngestResponseWriter.RETRY_AFTER, method(delivery, "retryAfterSeconds"))
                    .process(responses::overloaded).id("refuse-overloaded")
                    .stop()
                .end()
                .process(bodyReader)
                .process(webSdk::gate)
                .split(body())
                    .to("direct:offer-to-rules")
                .end()
                .process(responses::respond)
                .process(webSdk::answer);
    }

    /** Web SDK calls that carry no events: answered as the Edge does, nothing is forwarded. */
    private void noEvents(String routeId, String path) {
        from("platform-http:" + path + "?httpMethodRestrict=POST").routeId(routeId)
                .process(guard::browser)
                .setProperty(IngestResponseWriter.STYLE, constant(Style.WEB_SDK))
                .process(webSdk::capture)
                .process(requestContext)
                .process(responses::respond)
                .process(webSdk::answer);
    }

    private void endpoint(String routeId, String path, Style style) {
        boolean browser = style == Style.WEB_SDK || style == Style.BEACON;
        from("platform-http:" + path + "?httpMethodRestrict=POST").routeId(routeId)
                .process(browser ? guard::browser : guard::server)
                .setProperty(IngestResponseWriter.STYLE, constant(style))
                .to("direct:ingest");
    }
}
