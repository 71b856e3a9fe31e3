package io.github.ttforwarder.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.github.ttforwarder.delivery.deadletter.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/**
 * Micrometer counters of the delivery stage, kept by {@link io.github.ttforwarder.ops.ForwarderMetrics} (which owns every
 * meter of the forwarder; this class keeps the delivery stage's call sites and names). Tags carry no personal data: only the pixel <b>name</b>
 * (never its token), outcome classes and TikTok/HTTP codes.
 *
 * <ul>
 * <li>{@value #DELIVERED} (tags {@code pixel}, {@code outcome} = {@code ok} | {@code partial} | {@code dry_run}) — events accepted by TikTok (code 0 or 20001) or written to the dry-run file</li>
 * <li>{@value #DEAD_LETTERED} (tags {@code pixel}, {@code reason}) — events written to the dead-letter store; reason classes see {@link DeadLetterReason#reasonClass()}</li>
 * <li>{@value #DEDUPLICATED} (tag {@code pixel}) — events dropped because their (pixel, event, event_id) was already delivered or in flight</li>
 * <li>{@value #RETRIED} (tags {@code pixel}, {@code cause}) — events scheduled for another attempt (one count per event per retry)</li>
 * <li>{@value #REQUESTS} (tags {@code pixel}, {@code result} = TikTok code, {@code http_NNN}, {@code timeout} or {@code io_error}) — HTTP requests sent</li>
 * </ul>
 * Gauges: {@value #BACKLOG} (events accepted, not yet terminal), {@value #IN_FLIGHT} (TikTok requests in flight),
 * {@value #QUEUED_BATCHES} (completed batches waiting for a sender), {@value #RETRIES_WAITING} (events waiting for
 * a retry or for their token's Retry-After pause).
 */
@ApplicationScoped
@Named("deliveryMetrics")
public class DeliveryMetrics {

    /** Counter name: events delivered. */
    public static final String DELIVERED = io.github.ttforwarder.ops.ForwarderMetrics.DELIVERED;
    /** Counter name: events dead-lettered. */
    public static final String DEAD_LETTERED = io.github.ttforwarder.ops.ForwarderMetrics.DEAD_LETTERED;
    /** Counter name: events dropped as duplicates. */
    public static final String DEDUPLICATED = io.github.ttforwarder.ops.ForwarderMetrics.DEDUPLICATED;
    /** Counter name: event retries scheduled. */
    public static final String RETRIED = io.github.ttforwarder.ops.ForwarderMetrics.RETRIES;
    /** Counter name: HTTP requests sent to TikTok. */
    public static final String REQUESTS = io.github.ttforwarder.ops.ForwarderMetrics.REQUESTS;

    /** Gauge name: events accepted and not yet delivered / dead-lettered. */
    public static final String BACKLOG = io.github.ttforwarder.ops.ForwarderMetrics.BACKLOG_EVENTS;
    /** Gauge name: TikTok requests in flight. */
    public static final String IN_FLIGHT = io.github.ttforwarder.ops.ForwarderMetrics.REQUESTS_IN_FLIGHT;
    /** Gauge name: completed batches waiting for a sender. */
    public static final String QUEUED_BATCHES = io.github.ttforwarder.ops.ForwarderMetrics.BACKLOG_QUEUED_BATCHES;
    /** Gauge name: events waiting for a retry (or a Retry-After pause). */
    public static final String RETRIES_WAITING = io.github.ttforwarder.ops.ForwarderMetrics.RETRIES_WAITING;

    @Inject
    MeterRegistry registry;

    @Inject
    io.github.ttforwarder.ops.ForwarderMetrics meters;

    /**
     * Registers a gauge (no tags).
     *
     * @param name  gauge name
     * @param value read on each scrape
     */
    public void gauge(String name, java.util.function.Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).register(registry);
    }

    /** @return the current value of a gauge, or NaN when it does not exist (tests). */
    public double gaugeValue(String name) {
        io.micrometer.core.instrument.Gauge g = Search.in(registry).name(name).gauge();
        return g == null ? Double.NaN : g.value();
    }


    /** @param pixel pixel name; @param outcome ok, partial or dry_run; @param events how many. */
    public void delivered(String pixel, String outcome, int events) {
        meters.delivered(pixel, outcome, events);
    }

    /** @param pixel pixel name; @param reason why (counted by {@link DeadLetterReason#reasonClass()}); @param events how many. */
    public void deadLettered(String pixel, DeadLetterReason reason, int events) {
        meters.deadLettered(pixel, reason, events);
    }

    /** @param pixel pixel name of the dropped duplicate. */
    public void deduplicated(String pixel) {
        meters.deduplicated(pixel);
    }

    /** @param pixel pixel name; @param cause retry cause (TikTok code, http_NNN, timeout, io_error); @param events how many. */
    public void retried(String pixel, String cause, int events) {
        meters.retried(pixel, cause, events);
    }

    /** @param pixel pixel name; @param result TikTok code or transport result. */
    public void request(String pixel, String result) {
        meters.request(pixel, result);
    }

    /**
     * Sum of a counter over all its tag values, filtered by the given tags (for tests and the admin side).
     *
     * @param name counter name
     * @param tags key/value pairs to filter by
     * @return the summed count (0 when no such counter exists)
     */
    public double count(String name, String... tags) {
        return Search.in(registry).name(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
