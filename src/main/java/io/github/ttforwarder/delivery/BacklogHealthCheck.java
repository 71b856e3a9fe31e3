package io.github.ttforwarder.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@value #NAME} ({@code /q/health/ready}): "this instance can accept events" — DOWN only while the
 * delivery backlog is at {@code forwarder.backlog.max-events} (ingest answers 503 then), with {@code backlog},
 * {@code max} and {@code in_flight} as data. A TikTok token problem never makes the instance unready (see
 * {@link TokenHealthCheck}, a wellness check); Camel's own checks add Kafka's consumers in Kafka mode.
 */
@Readiness
@ApplicationScoped
public class BacklogHealthCheck implements HealthCheck {

    /** Name of the health check. */
    public static final String NAME = "delivery-backlog";

    @Inject
    Delivery delivery;

    @Inject
    DeliveryConfig config;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(!delivery.overloaded())
                .withData("backlog", delivery.backlog())
                .withData("max", config.backlogMaxEvents())
                .withData("in_flight", delivery.inFlight())
                .build();
    }
}
