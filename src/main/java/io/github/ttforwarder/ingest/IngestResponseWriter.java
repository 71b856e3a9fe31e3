package io.github.ttforwarder.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.RequestContext;
import io.github.ttforwarder.queue.QueueEnqueuer;

/**
 * Writes the HTTP answer of an ingest request from the outcomes of its events.
 *
 * <ul>
 * <li>{@link Style#EVENTS} ({@code /events}) and {@link Style#COLLECT} ({@code /ee/v2/collect}): {@code 202} with
 *     {@code {"requestId", "received", "forwarded", ["dry_run",] "unmatched", "rejected", "events": [outcome...]}}
 *     ({@code dry_run}: events whose TikTok events all went to pixels without access token; only when non-zero);
 *     {@code 204} for {@code /ee/v2/collect?silent=true}; when every event was rejected, {@code 400}
 *     {@code application/problem+json} (RFC 7807) with the same {@code events}.</li>
 * <li>{@link Style#INTERACT} ({@code /ee/v2/interact}) and {@link Style#WEB_SDK} ({@code /ee/v1/interact}):
 *     {@code 200} {@code {"requestId", "handle": [], "warnings": [...]}} as the Adobe Edge answers (a rejected
 *     event becomes a warning with {@code report.eventIndex}); {@code /ee/v2/interact} answers 400 when every
 *     event was rejected.</li>
 * <li>{@link Style#BEACON} ({@code /ee/v1/collect}, sent by {@code sendBeacon}, never read): {@code 204}.</li>
 * </ul>
 * Malformed bodies: {@code 400} problem; unexpected failures: {@code 500} problem with no internals.
 * Kafka mode: {@link #respondQueued} (202 {@code "queued"} instead of {@code "forwarded"/"unmatched"}) and
 * {@link #unavailable} (503 when Kafka did not acknowledge).
 */
@ApplicationScoped
@Named("ingestResponseWriter")
public class IngestResponseWriter {

    private static final Logger LOG = Logger.getLogger(IngestResponseWriter.class);

    /** Exchange property holding the {@link Style} of the endpoint. */
    public static final String STYLE = "ForwarderResponseStyle";

    /** How an endpoint answers. */
    public enum Style {
        EVENTS, COLLECT, INTERACT, WEB_SDK, BEACON
    }

    private static final String PROBLEM_JSON = "application/problem+json";

    private final ObjectMapper mapper;

    public IngestResponseWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Answers a request whose events went through the rules (outcomes in {@value Headers#OUTCOMES}). */
    @SuppressWarnings("unchecked")
    public void respond(Exchange exchange) {
        List<EventOutcome> outcomes = new ArrayList<>(exchange.getProperty(Headers.OUTCOMES, List.class));
        outcomes.sort(Comparator.comparingInt(EventOutcome::getIndex));
        RequestContext ctx = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        Style style = exchange.getProperty(STYLE, Style.class);
        boolean silent = Boolean.TRUE.equals(exchange.getProperty(RequestContextExtractor.SILENT, Boolean.class));
        int forwarded = 0;
        int dryRun = 0;
        int unmatched = 0;
        int rejected = 0;
        int deduplicated = 0;
        for (EventOutcome o : outcomes) {
            switch (o.getStatus()) {
                case FORWARDED -> forwarded++;
                case DRY_RUN -> dryRun++;
                case DEDUPLICATED -> deduplicated++;
                case UNMATCHED -> unmatched++;
                default -> rejected++;
            }
        }
        boolean allRejected = rejected > 0 && rejected == outcomes.size();
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader("X-Request-Id", ctx.requestId());
        switch (style) {
            case BEACON -> noContent(m);
            case COLLECT, EVENTS -> {
                if (allRejected) {
                    Map<String, Object> problem = problem(400, "Bad Request", rejected == 1
                            ? "the event was rejected: " + firstReason(outcomes)
                            : "all " + rejected + " events were rejected; see events[] for each reason", ctx);
                    problem.put("events", outcomes);
                    json(m, 400, PROBLEM_JSON, problem);
                } else if (silent && style == Style.COLLECT) {
                    noContent(m);
                } else {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("requestId", ctx.requestId());
                    body.put("received", outcomes.size());
                    body.put("forwarded", forwarded);
                    if (dryRun > 0) {
                        body.put("dry_run", dryRun);
                    }
                    body.put("unmatched", unmatched);
                    body.put("rejected", rejected);
                    if (deduplicated > 0) {
                        body.put("deduplicated", deduplicated);
                    }
                    body.put("events", outcomes);
                    json(m, 202, "application/json", body);
                }
            }
            case INTERACT, WEB_SDK -> {
                if (allRejected && style == Style.INTERACT) {
                    Map<String, Object> problem = problem(400, "Bad Request", "the event was rejected: " + firstReason(outcomes), ctx);
                    problem.put("events", outcomes);
                    json(m, 400, PROBLEM_JSON, problem);
                } else {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("requestId", ctx.requestId());
                    body.put("handle", exchange.getProperty(io.github.ttforwarder.websdk.WebSdkEdge.HANDLES, List.of(), List.class));
                    List<Map<String, Object>> warnings = new ArrayList<>();
                    for (EventOutcome o : outcomes) {
                        for (EventOutcome.Rejection r : o.getRejections()) {
                            Map<String, Object> w = new LinkedHashMap<>();
                            w.put("type", "https://ns.adobe.com/aep/errors/EXEG-0000-400");
                            w.put("status", 400);
                            w.put("title", "Event rejected by the TikTok forwarder");
                            w.put("detail", describe(r));
                            w.put("report", Map.of("eventIndex", o.getIndex()));
                            warnings.add(w);
                        }
                    }
                    if (!warnings.isEmpty()) {
                        body.put("warnings", warnings);
                    }
                    json(m, 200, "application/json;charset=utf-8", body);
                }
            }
            default -> throw new IllegalStateException("no response style");
        }
    }

    /**
     * Kafka mode: answers a request whose events were queued (count in property {@value QueueEnqueuer#QUEUED});
     * the outcomes in {@value Headers#OUTCOMES} hold only the reader's rejections. {@code /events} and
     * {@code /ee/v2/collect}: 202 {@code {"requestId","received","queued","rejected","events":[rejections]}}
     * (204 when silent; 400 problem+json when every event was rejected); the Adobe endpoints answer as in
     * {@link #respond}.
     */
    @SuppressWarnings("unchecked")
    public void respondQueued(Exchange exchange) {
        Style style = exchange.getProperty(STYLE, Style.class);
        Integer queued = exchange.getProperty(QueueEnqueuer.QUEUED, Integer.class);
        List<EventOutcome> rejectedOutcomes = new ArrayList<>(exchange.getProperty(Headers.OUTCOMES, List.class));
        boolean silent = Boolean.TRUE.equals(exchange.getProperty(RequestContextExtractor.SILENT, Boolean.class));
        int q = queued == null ? 0 : queued;
        if ((style != Style.EVENTS && style != Style.COLLECT) || (q == 0 && !rejectedOutcomes.isEmpty())
                || (silent && style == Style.COLLECT)) {
            respond(exchange);
            return;
        }
        rejectedOutcomes.sort(Comparator.comparingInt(EventOutcome::getIndex));
        RequestContext ctx = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader("X-Request-Id", ctx.requestId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", ctx.requestId());
        body.put("received", q + rejectedOutcomes.size());
        body.put("queued", q);
        body.put("rejected", rejectedOutcomes.size());
        body.put("events", rejectedOutcomes);
        json(m, 202, "application/json", body);
    }

    /**
     * Kafka mode: answers {@code 503} problem+json (with {@code Retry-After: 5}) when Kafka did not acknowledge
     * the request's events; the client should send the request again (events Kafka did take may then be processed
     * twice; TikTok drops repeats by event_id).
     */
    public void unavailable(Exchange exchange) {
        RequestContext ctx = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader("Retry-After", "5");
        json(m, 503, PROBLEM_JSON, problem(503, "Service Unavailable",
                "the event queue (Kafka) did not acknowledge the events; send the request again", ctx));
    }

    /**
     * Embedded mode: answers {@code 503} problem+json with {@code Retry-After} (seconds, from property
     * {@value #RETRY_AFTER}, default 1) when the delivery backlog is at its bound
     * ({@code forwarder.backlog.max-events}); nothing of the request was accepted, the client sends it again.
     */
    public void overloaded(Exchange exchange) {
        RequestContext ctx = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        Integer retryAfter = exchange.getProperty(RETRY_AFTER, Integer.class);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader("Retry-After", String.valueOf(retryAfter == null ? 1 : retryAfter));
        json(m, 503, PROBLEM_JSON, problem(503, "Service Unavailable",
                "the forwarder holds as many events as it may (forwarder.backlog.max-events) while TikTok catches up; "
                        + "nothing of this request was accepted, send it again after Retry-After seconds", ctx));
    }

    /** Exchange property (Integer): the {@code Retry-After} seconds of a 503 answer. */
    public static final String RETRY_AFTER = "ForwarderRetryAfter";

    /** Answers {@code 400} problem+json for a body that holds no events at all. */
    public void malformed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        RequestContext ctx = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        if (e instanceof RequestLimitException limit) {
            Map<String, Object> p = problem(limit.status(), limit.status() == 413 ? "Payload Too Large" : "Bad Request",
                    limit.getMessage(), ctx);
            p.put("limit", limit.setting());
            json(m, limit.status(), PROBLEM_JSON, p);
            return;
        }
        json(m, 400, PROBLEM_JSON, problem(400, "Bad Request", e == null ? "malformed request" : e.getMessage(), ctx));
    }

    /** Answers {@code 500} problem+json; the cause is logged (type only, messages may quote input), not sent. */
    public void internalError(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        RequestContext ctx = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        LOG.errorf("Ingest request %s failed: %s", ctx == null ? "?" : ctx.requestId(), e == null ? "?" : e.getClass().getName());
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        json(m, 500, PROBLEM_JSON, problem(500, "Internal Server Error",
                "the forwarder could not process the request; nothing of it was forwarded", ctx));
    }

    private static String firstReason(List<EventOutcome> outcomes) {
        for (EventOutcome o : outcomes) {
            for (EventOutcome.Rejection r : o.getRejections()) {
                return describe(r);
            }
        }
        return "rejected";
    }

    private static String describe(EventOutcome.Rejection r) {
        return r.field() == null ? r.reason() : r.field() + ": " + r.reason();
    }

    private static Map<String, Object> problem(int status, String title, String detail, RequestContext ctx) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        if (ctx != null) {
            p.put("requestId", ctx.requestId());
        }
        return p;
    }

    /** Values the protocol echoes as the client sent them: never masked, so not scanned either. */
    private static final java.util.Set<String> ECHOED_IDS = java.util.Set.of("event_id", "requestId");

    /**
     * @return true when a string value of the serialised answer, other than an echoed id ({@link #ECHOED_IDS}),
     *         holds an e-mail address or a phone number (one streaming pass; ids such as UUIDs are not scanned)
     */
    private boolean mayHoldPersonalData(byte[] json) {
        try (JsonParser p = mapper.getFactory().createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING && !isEchoedId(p.currentName())
                        && io.github.ttforwarder.security.PersonalData.contains(p.getText())) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return true; // cannot happen for bytes Jackson just wrote; mask to be safe
        }
    }

    private static boolean isEchoedId(String field) {
        return field != null && ECHOED_IDS.contains(field); // Set.of rejects contains(null): array items have no name
    }

    private static void noContent(Message m) {
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        m.setBody(null);
    }

    private void json(Message m, int status, String contentType, Object body) {
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, contentType);
        try {
            byte[] bytes = mapper.writeValueAsBytes(body);
            if (mayHoldPersonalData(bytes)) {
                // never echo personal data, whichever field it came in; the ids the protocol echoes stay as sent
                bytes = mapper.writeValueAsBytes(io.github.ttforwarder.security.PersonalData.maskJson(
                        mapper.valueToTree(body), ECHOED_IDS));
            }
            m.setBody(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }
}
