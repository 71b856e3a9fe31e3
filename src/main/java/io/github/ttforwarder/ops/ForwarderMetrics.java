package io.github.ttforwarder.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.TokenHealthCheck;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;
import io.github.ttforwarder.delivery.deadletter.DeadLetterReason;
import io.github.ttforwarder.delivery.sending.DeliveryOutcome;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.OutboundEvent;
import io.github.ttforwarder.model.RequestContext;
import io.github.ttforwarder.rules.RuleRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;

/**
 * Every meter of the forwarder (Micrometer; Prometheus at {@code /q/metrics} on the management port), and the
 * hooks the pipeline calls — one line at each call site. Names follow Prometheus conventions once exported
 * ({@code forwarder.events.received} → {@code forwarder_events_received_total}; durations in seconds).
 *
 * <p>Tags never carry personal data or a token: {@code pixel} is a configured pixel <b>name</b> (or
 * {@code unknown}), {@code rule} a rule route id, {@code endpoint} one of the fixed ingest paths, {@code reason}
 * a field path (digits replaced by {@code N}) or a reason class, {@code result} TikTok's code or a transport
 * result. Values a client could vary (event names, unknown rules, fields) are capped at {@value #MAX_VALUES}
 * distinct values per tag, then {@code other}. The table of meters is in docs/operating.md.
 */
@ApplicationScoped
@Named("forwarderMetrics")
public class ForwarderMetrics {

    /** Inbound events that reached the rules, or were read but are no event ({@code endpoint}). */
    public static final String RECEIVED = "forwarder.events.received";
    /** Inbound events no rule fired on ({@code endpoint}). */
    public static final String UNMATCHED = "forwarder.events.unmatched";
    /** Rejections: one per rule that rejected an event, or per element that is no event ({@code rule}, {@code reason}). */
    public static final String REJECTED = "forwarder.events.rejected";
    /** TikTok events handed to delivery ({@code pixel}, {@code rule}). */
    public static final String FORWARDED = "forwarder.events.forwarded";
    /** TikTok events dropped as duplicates of a delivered or in-flight (pixel, event, event_id) ({@code pixel}). */
    public static final String DEDUPLICATED = "forwarder.events.deduplicated";
    /** TikTok events accepted by TikTok ({@code outcome} ok / partial) or written by the dry run ({@code dry_run}). */
    public static final String DELIVERED = "forwarder.events.delivered";
    /** TikTok events written to the dead letters ({@code pixel}, {@code reason} class). */
    public static final String DEAD_LETTERED = "forwarder.events.dead_lettered";
    /** HTTP requests to TikTok ({@code pixel}, {@code result}). */
    public static final String REQUESTS = "forwarder.tiktok.requests";
    /** Duration of HTTP requests to TikTok, histogram ({@code pixel}). */
    public static final String REQUEST_DURATION = "forwarder.tiktok.request.duration";
    /** Events scheduled for another attempt ({@code pixel}, {@code cause}). */
    public static final String RETRIES = "forwarder.retries.scheduled";
    /** Events accepted by delivery and not yet terminal (open or queued batches, in flight, waiting for a retry). */
    public static final String BACKLOG_EVENTS = "forwarder.backlog.events";
    /** Completed batches waiting for a sender. */
    public static final String BACKLOG_QUEUED_BATCHES = "forwarder.backlog.queued.batches";
    /** TikTok requests in flight. */
    public static final String REQUESTS_IN_FLIGHT = "forwarder.tiktok.requests.in_flight";
    /** Events waiting for a retry (or their token's Retry-After pause). */
    public static final String RETRIES_WAITING = "forwarder.retries.waiting.events";
    /** Unix time of the last request TikTok accepted, per pixel. */
    public static final String LAST_DELIVERY = "forwarder.last.delivery.timestamp";
    /** 1 when the pixel sends to TikTok, 0 in dry run. */
    public static final String PIXEL_LIVE = "forwarder.pixel.live";
    /** 1 while TikTok rejects the pixel's token. */
    public static final String TOKEN_REJECTED = "forwarder.pixel.token.rejected";
    /** Rule file reloads done. */
    public static final String RULE_RELOADS = "forwarder.rules.reloads";
    /** Rule errors ({@code kind} = reload / rule_failed). */
    public static final String RULE_ERRORS = "forwarder.rules.errors";
    /** Active forwarding rules. */
    public static final String RULES_ACTIVE = "forwarder.rules.active";
    /** Share of events carrying a match key ({@code pixel}, {@code event}, {@code key}), sliding window. */
    public static final String MATCH_KEY_SHARE = "forwarder.match.key.share";
    /** Estimated match quality 0..10 ({@code pixel}, {@code event}), sliding window. */
    public static final String MATCH_SCORE = "forwarder.match.quality.score";

    /** Most distinct values of one client-influenced tag before {@code other}. */
    public static final int MAX_VALUES = 100;

    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern LOCATION_HINT = Pattern.compile("^/ee/[^/]+/v1/");
    private static final Set<String> ENDPOINTS = Set.of("/events", "/ee/v2/collect", "/ee/v2/interact",
            "/ee/v1/interact", "/ee/v1/collect");

    @Inject
    MeterRegistry registry;
    @Inject
    PixelRegistry pixels;
    @Inject
    io.github.ttforwarder.rules.RuleFiles ruleFiles;
    @Inject
    RuleRegistry ruleRegistry;
    @Inject
    CamelContext camel;
    @Inject
    @io.smallrye.health.api.Wellness
    TokenHealthCheck tokens;

    @ConfigProperty(name = "forwarder.match-quality.window", defaultValue = "1000")
    int matchWindow;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> tagValues = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastDelivery = new ConcurrentHashMap<>();
    private final Map<String, Boolean> matchGauges = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> deadLettersByReason = new ConcurrentHashMap<>();
    private final RecentFailures failures = new RecentFailures(20);
    private volatile MatchQuality matchQuality;

    /** @return the match-quality windows (created with {@code forwarder.match-quality.window}). */
    public MatchQuality matchQuality() {
        MatchQuality m = matchQuality;
        if (m == null) {
            synchronized (this) {
                if (matchQuality == null) {
                    matchQuality = new MatchQuality(Math.max(1, matchWindow));
                }
                m = matchQuality;
            }
        }
        return m;
    }

    /** @return the last 20 delivery failures, newest first. */
    public List<RecentFailures.Failure> recentFailures() {
        return failures.list();
    }

    /** @return dead letters written since start by {@code pixel \n source \n code}. */
    public Map<String, Long> deadLettersByReason() {
        Map<String, Long> out = new java.util.TreeMap<>();
        deadLettersByReason.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** @return Unix millis of the last accepted TikTok request per pixel. */
    public Map<String, Long> lastDeliveries() {
        Map<String, Long> out = new java.util.TreeMap<>();
        lastDelivery.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    // ---- hooks: ingest and rules ------------------------------------------------------------------------------

    /**
     * After the body reader: counts the elements of the request that are no event (received and rejected,
     * {@code reason=not_an_event}); the events themselves are counted once they went through the rules.
     */
    @SuppressWarnings("unchecked")
    public void read(Exchange exchange) {
        List<EventOutcome> outcomes = exchange.getProperty(Headers.OUTCOMES, List.class);
        if (outcomes == null || outcomes.isEmpty()) {
            return;
        }
        String endpoint = endpoint(exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class));
        for (int i = 0; i < outcomes.size(); i++) {
            counter(RECEIVED, "endpoint", endpoint).increment();
            counter(REJECTED, "rule", "none", "reason", "not_an_event").increment();
        }
    }

    /** An inbound event about to be offered to the rules (property {@value Headers#REQUEST_CONTEXT} set). */
    public void received(Exchange exchange) {
        counter(RECEIVED, "endpoint", endpoint(exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class))).increment();
    }

    /** After the rules, when no rule fired on the event (property {@value Headers#OUTCOME}). */
    public void ruled(Exchange exchange) {
        EventOutcome outcome = exchange.getProperty(Headers.OUTCOME, EventOutcome.class);
        if (outcome != null && outcome.getStatus() == EventOutcome.Status.UNMATCHED) {
            counter(UNMATCHED, "endpoint", endpoint(exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class)))
                    .increment();
        }
    }

    /**
     * One rule rejected its TikTok event (or the rule itself failed).
     *
     * @param rule  the rule id, or null
     * @param field the field path, or null
     * @param ruleFailed true when the rule's own steps threw (also counted as a rule error, kind rule_failed)
     */
    public void rejected(String rule, String field, boolean ruleFailed) {
        if (ruleFailed) {
            counter(RULE_ERRORS, "kind", "rule_failed").increment();
        }
        String reason = ruleFailed ? "rule_failed" : field == null ? "other" : DIGITS.matcher(field).replaceAll("N");
        counter(REJECTED, "rule", bounded("rule", rule == null ? "none" : rule), "reason", bounded("reason", reason))
                .increment();
    }

    /**
     * Where a TikTok event is handed to delivery (body {@link OutboundEvent}, property {@value Headers#RULE_ID}):
     * counts it as forwarded and feeds the match-quality window.
     */
    public void handedToDelivery(Exchange exchange) {
        OutboundEvent ev = exchange.getMessage().getBody(OutboundEvent.class);
        if (ev == null || ev.event() == null) {
            return;
        }
        Pixel pixel = pixels.find(ev.pixel()).orElse(null);
        String name = pixel == null ? "unknown" : pixel.name();
        String rule = exchange.getProperty(Headers.RULE_ID, String.class);
        counter(FORWARDED, "pixel", name, "rule", bounded("rule", rule == null ? "none" : rule)).increment();
        if (pixel != null) {
            String event = bounded("event:" + name, ev.event().path("event").asText(""));
            matchQuality().record(name, event, MatchQuality.keysOf(ev.event().path("user")));
            registerMatchGauges(name, event);
        }
    }

    // ---- hooks: delivery --------------------------------------------------------------------------------------

    /** @param outcome ok, partial or dry_run */
    public void delivered(String pixel, String outcome, int events) {
        counter(DELIVERED, "pixel", pixelTag(pixel), "outcome", outcome).increment(events);
    }

    /** Dead letters written (counted by reason class; kept by reason code for the status page). */
    public void deadLettered(String pixel, DeadLetterReason reason, int events) {
        String p = pixelTag(pixel);
        counter(DEAD_LETTERED, "pixel", p, "reason", reason.reasonClass()).increment(events);
        deadLettersByReason.computeIfAbsent(p + '\n' + reason.source() + '\n' + bounded("dl-code", String.valueOf(reason.code())),
                k -> new AtomicLong()).addAndGet(events);
        if (!DeadLetterReason.VALIDATION.equals(reason.source()) && !DeadLetterReason.TIKTOK.equals(reason.source())) {
            failures.add(new RecentFailures.Failure(Instant.now(), p, reason.code(), reason.message(), reason.requestId(),
                    events, "dead-lettered"));
        }
    }

    /** A duplicate dropped. */
    public void deduplicated(String pixel) {
        counter(DEDUPLICATED, "pixel", pixelTag(pixel)).increment();
    }

    /** Events scheduled for another attempt. */
    public void retried(String pixel, String cause, int events) {
        counter(RETRIES, "pixel", pixelTag(pixel), "cause", bounded("cause", cause)).increment(events);
    }

    /** One HTTP request answered (or failed in transport). */
    public void request(String pixel, String result) {
        counter(REQUESTS, "pixel", pixelTag(pixel), "result", bounded("result", result)).increment();
    }

    /** Exchange property: {@link System#nanoTime()} when the TikTok request was built. */
    public static final String SENT_AT = "TtfSentAtNanos";

    /** Right before the HTTP call: starts the clock. */
    public void requestStarted(Exchange exchange, DeliveryBatch batch) {
        exchange.setProperty(SENT_AT, System.nanoTime());
    }

    /**
     * After TikTok answered (or the call failed): request duration, the last successful delivery, and the
     * failure list (TikTok's code, message and request_id).
     */
    public void tiktokAnswered(Exchange exchange, DeliveryBatch batch, DeliveryOutcome outcome) {
        Long start = exchange.getProperty(SENT_AT, Long.class);
        if (start != null) {
            exchange.removeProperty(SENT_AT);
            timer(pixelTag(batch.pixel())).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        String p = pixelTag(batch.pixel());
        switch (outcome.kind()) {
            case DELIVERED, PARTIAL -> lastDelivery(p).set(System.currentTimeMillis());
            default -> failures.add(new RecentFailures.Failure(Instant.now(), p, outcome.code(), outcome.message(),
                    outcome.requestId(), batch.size(), switch (outcome.kind()) {
                        case RETRY -> "retry";
                        case INVALID_EVENTS -> "invalid events dead-lettered, rest resent";
                        case SPLIT -> "split and resent";
                        case TOKEN_REJECTED -> "dead-lettered (token rejected)";
                        default -> "dead-lettered";
                    }));
        }
        if (outcome.kind() == DeliveryOutcome.Kind.PARTIAL) {
            failures.add(new RecentFailures.Failure(Instant.now(), p, outcome.code(), outcome.message(),
                    outcome.requestId(), batch.size(), "partially accepted"));
        }
    }

    // ---- reading ----------------------------------------------------------------------------------------------

    /**
     * Sum of a counter over its tag values, filtered by the given tags.
     *
     * @param name meter name (the constants of this class)
     * @param tags key/value pairs to filter by
     * @return the sum (0 when no such counter exists)
     */
    public double count(String name, String... tags) {
        return Search.in(registry).name(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * Per value of one tag, the sum of a counter (e.g. forwarded by rule).
     *
     * @return tag value → count
     */
    public Map<String, Double> countBy(String name, String tag, String... filter) {
        Map<String, Double> out = new java.util.TreeMap<>();
        Search.in(registry).name(name).tags(filter).counters()
                .forEach(c -> out.merge(String.valueOf(c.getId().getTag(tag)), c.count(), Double::sum));
        return out;
    }

    /** @return the delivery stage's gauges: backlog events, queued batches, requests in flight, retries waiting. */
    public Map<String, Double> backlog() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String name : List.of(BACKLOG_EVENTS, BACKLOG_QUEUED_BATCHES, REQUESTS_IN_FLIGHT, RETRIES_WAITING)) {
            Gauge g = Search.in(registry).name(name).gauge();
            out.put(name, g == null ? 0.0 : g.value());
        }
        return out;
    }

    // ---- registration -----------------------------------------------------------------------------------------

    /** Registers the gauges and function counters (read at scrape time). */
    void onStart(@Observes CamelContextStartedEvent event) {
        for (Pixel p : pixels.all().values()) {
            Gauge.builder(PIXEL_LIVE, p, px -> px.dryRun() ? 0 : 1)
                    .description("1 when the pixel sends to TikTok, 0 in dry run (no access token)")
                    .tag("pixel", p.name()).register(registry);
            Gauge.builder(TOKEN_REJECTED, tokens, t -> t.rejectedPixels().containsKey(p.name()) ? 1 : 0)
                    .description("1 while TikTok rejects the pixel's access token").tag("pixel", p.name()).register(registry);
        }
        FunctionCounter.builder(RULE_RELOADS, ruleFiles, f -> f.loadedCount())
                .description("rule files loaded (at start and on live reload)").register(registry);
        FunctionCounter.builder(RULE_ERRORS, ruleFiles, f -> f.refusedCount())
                .description("rule errors: failed rule file reloads (kind=reload), rules whose steps threw (kind=rule_failed)")
                .tag("kind", "reload").register(registry);
        counter(RULE_ERRORS, "kind", "rule_failed");
        Gauge.builder(RULES_ACTIVE, ruleRegistry, r -> r.rules().size())
                .description("forwarding rules loaded").register(registry);
    }


    private void registerMatchGauges(String pixel, String event) {
        if (matchGauges.putIfAbsent(pixel + '\n' + event, Boolean.TRUE) != null) {
            return;
        }
        MatchQuality mq = matchQuality();
        Gauge.builder(MATCH_SCORE, mq, q -> {
            MatchQuality.Row r = q.row(pixel, event);
            return r == null ? 0 : r.score();
        }).description("estimated match quality 0..10 over the last forwarder.match-quality.window events (an estimate, not TikTok's EMQ)")
                .tags("pixel", pixel, "event", event).register(registry);
        for (MatchQuality.Key k : MatchQuality.Key.values()) {
            Gauge.builder(MATCH_KEY_SHARE, mq, q -> {
                MatchQuality.Row r = q.row(pixel, event);
                return r == null ? 0 : r.shares().get(k.field());
            }).description("share 0..1 of the events carrying the match key, sliding window")
                    .tags("pixel", pixel, "event", event, "key", k.field()).register(registry);
        }
    }

    private AtomicLong lastDelivery(String pixel) {
        return lastDelivery.computeIfAbsent(pixel, p -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(LAST_DELIVERY, v, a -> a.get() / 1000.0).baseUnit("seconds")
                    .description("Unix time of the last request TikTok accepted for the pixel").tag("pixel", p)
                    .register(registry);
            return v;
        });
    }

    private Timer timer(String pixel) {
        return timers.computeIfAbsent(pixel, p -> Timer.builder(REQUEST_DURATION)
                .description("time from sending a request to TikTok until its answer (or transport failure)")
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30))
                .tag("pixel", p).register(registry));
    }

    private Counter counter(String name, String... tags) {
        String key = name + '|' + String.join("|", tags);
        Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
    }

    private String pixelTag(String pixel) {
        return pixels.find(pixel).map(Pixel::name).orElse("unknown");
    }

    /** Caps the distinct values of one tag at {@value #MAX_VALUES}; beyond, {@code other}. */
    String bounded(String tag, String value) {
        Set<String> seen = tagValues.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet());
        if (seen.contains(value)) {
            return value;
        }
        if (seen.size() >= MAX_VALUES) {
            return "other";
        }
        seen.add(value);
        return value;
    }

    /** @return the ingest endpoint as a tag: one of the fixed paths, {@code kafka} or {@code other}. */
    static String endpoint(RequestContext ctx) {
        String e = ctx == null || ctx.endpoint() == null ? "" : ctx.endpoint();
        if (e.startsWith("kafka:")) {
            return "kafka";
        }
        e = LOCATION_HINT.matcher(e).replaceFirst("/ee/v1/");
        return ENDPOINTS.contains(e) ? e : "other";
    }

}
