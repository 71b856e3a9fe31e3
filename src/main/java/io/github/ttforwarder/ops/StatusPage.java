package io.github.ttforwarder.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.TokenHealthCheck;
import io.github.ttforwarder.rules.RuleRegistry;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

/**
 * The status page on the management port (Vert.x handlers on the management interface router):
 * <ul>
 * <li>{@code GET /} — a static HTML page ({@code ops/status.html}, no build toolchain) that reads
 *     {@code /admin/status} every 2 s and redraws itself;</li>
 * <li>{@code GET /admin/status} — 200 JSON: {@code pixels[]} (mode, token state, counters, last delivery),
 *     {@code inbound} totals, {@code backlog} per stage, {@code failures[]} (last 20, TikTok's code/message/request_id),
 *     {@code dead_letters[]} (count per pixel and reason since start, with the list/replay links of the dead-letter
 *     admin API), {@code rules[]} (id, file, hits), {@code match_quality} (window, rows, the most useful improvement).</li>
 * </ul>
 * Nothing in it is personal data or a token.
 */
@ApplicationScoped
public class StatusPage {

    private static final Logger LOG = Logger.getLogger(StatusPage.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ForwarderMetrics metrics;
    @Inject
    PixelRegistry pixels;
    @Inject
    CamelContext camel;
    @Inject
    RuleRegistry ruleRegistry;
    @Inject
    @io.smallrye.health.api.Wellness
    TokenHealthCheck tokens;
    @Inject
    Config config;

    private final Instant started = Instant.now();
    private volatile byte[] page;

    void init(@Observes ManagementInterface mi) {
        mi.router().get("/").handler(this::page);
        mi.router().get("/admin/status").blockingHandler(this::status);
    }

    private void page(RoutingContext rc) {
        rc.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache")
                .end(io.vertx.core.buffer.Buffer.buffer(html()));
    }

    private byte[] html() {
        byte[] p = page;
        if (p == null) {
            try (InputStream in = StatusPage.class.getClassLoader().getResourceAsStream("ops/status.html")) {
                p = in.readAllBytes();
            } catch (IOException | NullPointerException e) {
                throw new UncheckedIOException(new IOException("ops/status.html missing from the class path", e));
            }
            page = p;
        }
        return p;
    }

    private void status(RoutingContext rc) {
        try {
            rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(JSON.writeValueAsString(snapshot()));
        } catch (RuntimeException | IOException e) {
            LOG.errorf("Status snapshot failed: %s", e.toString());
            rc.response().setStatusCode(500).putHeader("Content-Type", "application/problem+json")
                    .end("{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
                            + "\"detail\":\"the status could not be read\"}");
        }
    }

    /** @return the status document (see the class doc). */
    public ObjectNode snapshot() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", config.getOptionalValue("quarkus.application.version", String.class).orElse("dev"));
        root.put("started", started.toString());
        root.put("now", Instant.now().toString());
        root.put("queue", config.getOptionalValue("forwarder.queue", String.class).orElse("embedded"));

        ObjectNode inbound = root.putObject("inbound");
        inbound.put("received", (long) metrics.count(ForwarderMetrics.RECEIVED));
        inbound.put("unmatched", (long) metrics.count(ForwarderMetrics.UNMATCHED));
        inbound.put("rejected", (long) metrics.count(ForwarderMetrics.REJECTED));
        inbound.put("forwarded", (long) metrics.count(ForwarderMetrics.FORWARDED));

        Map<String, Long> last = metrics.lastDeliveries();
        Map<String, String> rejectedTokens = tokens.rejectedPixels();
        ArrayNode px = root.putArray("pixels");
        for (Pixel p : pixels.all().values()) {
            ObjectNode n = px.addObject();
            n.put("name", p.name());
            n.put("code", p.code());
            n.put("mode", p.dryRun() ? "dry_run" : "live");
            n.put("token", p.dryRun() ? "missing" : rejectedTokens.containsKey(p.name())
                    ? "rejected by TikTok (code " + rejectedTokens.get(p.name()) + ")" : "set");
            n.put("forwarded", (long) metrics.count(ForwarderMetrics.FORWARDED, "pixel", p.name()));
            n.put("delivered", (long) (metrics.count(ForwarderMetrics.DELIVERED, "pixel", p.name(), "outcome", "ok")
                    + metrics.count(ForwarderMetrics.DELIVERED, "pixel", p.name(), "outcome", "partial")));
            n.put("dry_run", (long) metrics.count(ForwarderMetrics.DELIVERED, "pixel", p.name(), "outcome", "dry_run"));
            n.put("deduplicated", (long) metrics.count(ForwarderMetrics.DEDUPLICATED, "pixel", p.name()));
            n.put("rejected", (long) metrics.count(ForwarderMetrics.DEAD_LETTERED, "pixel", p.name(), "reason", "validation"));
            n.put("dead_lettered", (long) metrics.count(ForwarderMetrics.DEAD_LETTERED, "pixel", p.name())
                    - (long) metrics.count(ForwarderMetrics.DEAD_LETTERED, "pixel", p.name(), "reason", "validation"));
            n.put("requests", (long) metrics.count(ForwarderMetrics.REQUESTS, "pixel", p.name()));
            Long t = last.get(p.name());
            if (t != null) {
                n.put("last_delivery", Instant.ofEpochMilli(t).toString());
            } else {
                n.putNull("last_delivery");
            }
        }

        ObjectNode backlog = root.putObject("backlog");
        Map<String, Double> b = metrics.backlog();
        backlog.put("events", b.get(ForwarderMetrics.BACKLOG_EVENTS).longValue());
        backlog.put("queued_batches", b.get(ForwarderMetrics.BACKLOG_QUEUED_BATCHES).longValue());
        backlog.put("requests_in_flight", b.get(ForwarderMetrics.REQUESTS_IN_FLIGHT).longValue());
        backlog.put("retries_waiting_events", b.get(ForwarderMetrics.RETRIES_WAITING).longValue());

        ArrayNode failures = root.putArray("failures");
        metrics.recentFailures().forEach(f -> failures.add(JSON.valueToTree(Map.of(
                "time", f.time().toString(), "pixel", f.pixel(), "code", String.valueOf(f.code()),
                "message", f.message() == null ? "" : f.message(), "request_id", f.requestId() == null ? "" : f.requestId(),
                "events", f.events(), "action", f.action()))));

        ArrayNode dls = root.putArray("dead_letters");
        metrics.deadLettersByReason().forEach((key, count) -> {
            String[] k = key.split("\n", 3);
            String query = "reason=" + enc(k[2]) + "&pixel=" + enc(k[0]);
            dls.addObject().put("pixel", k[0]).put("source", k[1]).put("code", k[2]).put("count", count)
                    .put("list", "/admin/dead-letters?" + query).put("replay", "/admin/dead-letters/replay?" + query);
        });

        Map<String, Double> hits = metrics.countBy(ForwarderMetrics.FORWARDED, "rule");
        ArrayNode rules = root.putArray("rules");
        for (RuleRegistry.Rule r : ruleRegistry.rules()) {
            rules.addObject().put("id", r.id()).put("file", r.file() == null ? "" : r.file())
                    .put("event", r.event() == null ? "" : r.event()).put("mode", r.mode())
                    .put("hits", hits.getOrDefault(r.id(), 0.0).longValue());
        }
        root.put("rule_errors", (long) metrics.count(ForwarderMetrics.RULE_ERRORS, "kind", "rule_failed"));

        ObjectNode mq = root.putObject("match_quality");
        MatchQuality quality = metrics.matchQuality();
        mq.put("window", quality.window());
        mq.put("note", "estimated score 0-10 from the match keys the events carry; not TikTok's Event Match Quality");
        java.util.List<MatchQuality.Row> rows = quality.report();
        MatchQuality.Row top = MatchQuality.mostUseful(rows);
        if (top != null) {
            mq.put("top_improvement", top.pixel() + ": " + top.improvement());
        } else {
            mq.putNull("top_improvement");
        }
        ArrayNode rr = mq.putArray("rows");
        for (MatchQuality.Row r : rows) {
            ObjectNode n = rr.addObject();
            n.put("pixel", r.pixel()).put("event", r.event()).put("events", r.events())
                    .put("score", Math.round(r.score() * 10) / 10.0);
            ObjectNode shares = n.putObject("shares");
            r.shares().forEach((k, v) -> shares.put(k, Math.round(v * 1000) / 1000.0));
            n.put("improvement", r.improvement());
        }
        return root;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
