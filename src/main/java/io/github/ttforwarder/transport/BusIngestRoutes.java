package io.github.ttforwarder.transport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.URISupport;
import org.jboss.logging.Logger;

/**
 * One route per configured bus ingest endpoint ({@code forwarder.ingest.endpoints.<name>.uri}, read at start, so
 * the packaged application needs configuration only):
 *
 * <pre>
 * {uri with the forwarder's defaults}   (bus-ingest-{name}, startup order 120+)
 *   → busMessageProcessor: read the message whole (format auto / ndjson / csv) → each event → direct:offer-to-rules
 *     → … → direct:tiktok-deliver; return once every event is delivered, deduplicated or dead-lettered
 *   → the consumer acknowledges: JMS/AMQP transaction committed, file moved to .done
 * </pre>
 *
 * No error handler: a failure goes straight back to the consumer, which then does not acknowledge (rollback,
 * file left in place). The consumers start after the delivery routes and stop before them, so a graceful stop
 * lets the messages in progress finish. Which Camel components exist is fixed at build time (the extensions in
 * the pom); docs/buses.md tells how to add one.
 */
@ApplicationScoped
public class BusIngestRoutes extends RouteBuilder {

    private static final Logger LOG = Logger.getLogger(BusIngestRoutes.class);

    @Inject
    IngestEndpointSettings settings;

    @Inject
    BusMessageProcessor processor;

    @Override
    public void configure() {
        int order = 120;
        for (IngestEndpoint endpoint : settings.endpoints()) {
            from(endpoint.uri()).routeId("bus-ingest-" + endpoint.name()).startupOrder(order++)
                    .errorHandler(noErrorHandler())
                    .process(processor.forEndpoint(endpoint)).id("bus-message-" + endpoint.name());
            LOG.infof("Bus ingest endpoint %s: %s (format %s)", endpoint.name(), URISupport.sanitizeUri(endpoint.uri()),
                    endpoint.format().name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
