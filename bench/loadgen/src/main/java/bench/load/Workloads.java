package bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** Request bodies for each workload, built from the fixture files shipped in bench/fixtures. */
final class Workloads {

    /** One HTTP request to send. */
    record Req(String uri, byte[] body, int events) { }

    interface Source {
        Req next();
        Map<String, String> headers();
        String describe();
    }

    static Source create(String workload, Path fixtures, int eventsPerRequest) throws IOException {
        return switch (workload) {
            case "collect" -> new Collect(fixtures, eventsPerRequest);
            case "events" -> new Plain(fixtures);
            case "interact" -> new Interact(fixtures);
            case "tiktok" -> new TikTok(eventsPerRequest);
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        };
    }

    static JsonNode read(Path p) throws IOException {
        return Template.MAPPER.readTree(p.toFile());
    }

    // ------------------------------------------------------------------ (a) /ee/v2/collect
    /**
     * XDM events from the real fixtures whose eventType (given or implied by the commerce
     * measure) is one the default rules forward. Each event gets a unique xdm._id and a
     * current xdm.timestamp; the rest is as published.
     */
    static final class Collect implements Source {
        static final Map<String, String> IMPLIED_TYPE = Map.of(
                "experience-platform__websdk-commerce-checkouts.json", "commerce.checkouts",
                "experience-platform__websdk-commerce-productviews-trailing-commas-fixed.json", "commerce.productViews",
                "experience-platform__websdk-commerce-purchase-order-no-eventtype.json", "commerce.purchases");
        final List<Template> templates = new ArrayList<>();
        final int perRequest;
        final Ids ids = new Ids(0xc011);
        int cursor;

        Collect(Path fixtures, int perRequest) throws IOException {
            this.perRequest = perRequest;
            List<Path> files;
            try (Stream<Path> s = Files.list(fixtures.resolve("xdm"))) {
                files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            }
            for (Path f : files) {
                JsonNode root = read(f);
                ObjectNode event = extractEvent(root);
                if (event == null) continue;
                ObjectNode xdm = (ObjectNode) event.get("xdm");
                String name = f.getFileName().toString();
                if (!xdm.hasNonNull("eventType") && IMPLIED_TYPE.containsKey(name)) xdm.put("eventType", IMPLIED_TYPE.get(name));
                String type = xdm.path("eventType").asText("");
                if (!List.of("commerce.productViews", "commerce.productListAdds", "commerce.checkouts",
                        "commerce.purchases", "web.webpagedetails.pageViews").contains(type)) continue;
                // _id first so it is easy to spot in captures
                ObjectNode ordered = Template.MAPPER.createObjectNode();
                ordered.put("_id", Template.ID);
                xdm.remove("_id");
                xdm.put("timestamp", Template.ISO);
                ordered.setAll(xdm);
                event.set("xdm", ordered);
                templates.add(new Template(name, event));
            }
            if (templates.isEmpty()) throw new IllegalStateException("no XDM fixtures under " + fixtures);
        }

        /** Finds {xdm, data?} whatever the fixture's wrapping: events[0], event, body, root xdm, or bare xdm. */
        static ObjectNode extractEvent(JsonNode root) {
            JsonNode ev = null;
            if (root.path("events").isArray() && root.path("events").size() > 0) ev = root.path("events").get(0);
            else if (root.path("event").isObject()) ev = root.path("event");
            else if (root.path("body").path("xdm").isObject()) ev = root.path("body");
            else if (root.path("xdm").isObject()) ev = root;
            ObjectNode out = Template.MAPPER.createObjectNode();
            if (ev != null) {
                out.set("xdm", ev.get("xdm").deepCopy());
                if (ev.path("data").isObject()) out.set("data", ev.get("data").deepCopy());
            } else if (root.has("eventType") || root.has("productListItems")) {
                out.set("xdm", root.deepCopy());
            } else {
                return null;
            }
            return out.get("xdm") instanceof ObjectNode ? out : null;
        }

        @Override public Req next() {
            String iso = Instant.now().toString();
            StringBuilder sb = new StringBuilder(perRequest * 600 + 32);
            sb.append("{\"events\":[");
            for (int i = 0; i < perRequest; i++) {
                if (i > 0) sb.append(',');
                Template t = templates.get(cursor++ % templates.size());
                t.render(sb, ids.next(), iso, 0);
            }
            sb.append("]}");
            return new Req("/ee/v2/collect?datastreamId=bench", sb.toString().getBytes(StandardCharsets.UTF_8), perRequest);
        }

        @Override public Map<String, String> headers() {
            return Map.of("Content-Type", "application/json", "User-Agent", "bench-loadgen/1.0");
        }

        @Override public String describe() {
            Req probe = next();
            return templates.size() + " XDM templates (" + templates.stream().map(t -> t.name).toList() + "), "
                    + perRequest + " events/request, ~" + probe.body().length + " bytes/request";
        }
    }

    // ------------------------------------------------------------------ (b) /events
    /** Plain events: the contract's example plus every 'sent' case input of the shared behaviour cases. */
    static final class Plain implements Source {
        final List<Template> templates = new ArrayList<>();
        final Ids ids = new Ids(0xe7e7);
        int cursor;

        Plain(Path fixtures) throws IOException {
            ObjectNode example = (ObjectNode) Template.MAPPER.readTree("""
                {"event":"Purchase","event_time":1700000000,"event_id":"e-123",
                 "user":{"email":"a@b.com","ip":"203.0.113.7","user_agent":"Mozilla/5.0"},
                 "page":{"url":"https://shop.example/p"},
                 "properties":{"currency":"USD","value":10,"contents":[{"content_id":"SKU-1","price":10,"quantity":1}]}}""");
            add("contract-example", example);
            for (JsonNode c : read(fixtures.resolve("cases/plain-event-cases.json")).path("cases")) {
                if (!"sent".equals(c.path("outcome").asText())) continue;
                ObjectNode in = (ObjectNode) c.path("input").deepCopy();
                if (in.has("pixel")) continue; // named pixels are not configured in the bench
                add(c.path("id").asText(), in);
            }
        }

        private void add(String name, ObjectNode in) {
            in.put("event_id", Template.ID);
            in.put("event_time", Template.EPOCH);
            templates.add(new Template(name, in));
        }

        @Override public Req next() {
            Template t = templates.get(cursor++ % templates.size());
            StringBuilder sb = new StringBuilder(t.approxSize);
            t.render(sb, ids.next(), null, System.currentTimeMillis() / 1000);
            return new Req("/events", sb.toString().getBytes(StandardCharsets.UTF_8), 1);
        }

        @Override public Map<String, String> headers() {
            return Map.of("Content-Type", "application/json", "User-Agent", "bench-loadgen/1.0");
        }

        @Override public String describe() {
            return templates.size() + " plain-event templates (contract example + 'sent' cases), ~"
                    + next().body().length + " bytes/request";
        }
    }

    // ------------------------------------------------------------------ (c) /ee/v1/interact
    /**
     * Bodies captured from the real Web SDK (main-1 page view, main-2 add to cart, main-3 purchase).
     * Per request: a fresh requestId in the URL, a unique data.tiktok.eventId, a current xdm.timestamp.
     * Sent as text/plain with the captured browser headers, like the SDK.
     */
    static final class Interact implements Source {
        final List<Template> templates = new ArrayList<>();
        final List<String> paths = new ArrayList<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        final Ids ids = new Ids(0x1a7c);
        int cursor;

        Interact(Path fixtures) throws IOException {
            List<Path> files;
            try (Stream<Path> s = Files.list(fixtures.resolve("websdk"))) {
                files = s.filter(p -> p.getFileName().toString().endsWith("-interact.json")).sorted().toList();
            }
            for (Path f : files) {
                JsonNode cap = read(f);
                ObjectNode body = (ObjectNode) cap.path("body").deepCopy();
                for (JsonNode ev : body.path("events")) {
                    ObjectNode e = (ObjectNode) ev;
                    Template.put(e, "data.tiktok.eventId", Template.ID);
                    Template.put(e, "xdm.timestamp", Template.ISO);
                }
                templates.add(new Template(f.getFileName().toString(), body));
                String url = cap.path("url").asText();
                paths.add(url.substring(0, url.indexOf("requestId=") + "requestId=".length()));
                if (headers.isEmpty()) {
                    JsonNode h = cap.path("headers");
                    for (String k : List.of("user-agent", "origin", "referer", "accept", "accept-language", "cookie")) {
                        if (h.hasNonNull(k)) headers.put(k, h.get(k).asText());
                    }
                    headers.put("content-type", "text/plain; charset=UTF-8");
                }
            }
            if (templates.isEmpty()) throw new IllegalStateException("no *-interact.json under " + fixtures.resolve("websdk"));
        }

        @Override public Req next() {
            int i = cursor++ % templates.size();
            Template t = templates.get(i);
            StringBuilder sb = new StringBuilder(t.approxSize);
            t.render(sb, ids.next(), Instant.now().toString(), 0);
            return new Req(paths.get(i) + UUID.randomUUID(), sb.toString().getBytes(StandardCharsets.UTF_8), 1);
        }

        @Override public Map<String, String> headers() { return headers; }

        @Override public String describe() {
            return templates.size() + " Web SDK captures (" + templates.stream().map(t -> t.name).toList() + "), ~"
                    + next().body().length + " bytes/request";
        }
    }

    // ------------------------------------------------------------------ fake TikTok ceiling
    /** TikTok Events API 2.0 batches (what the forwarder sends), posted straight at the fake. */
    static final class TikTok implements Source {
        static final int DISTINCT_BODIES = 64;
        final byte[][] bodies;
        final int perRequest;
        int cursor;

        TikTok(int perRequest) throws IOException {
            this.perRequest = perRequest;
            ObjectNode ev = (ObjectNode) Template.MAPPER.readTree("""
                {"event":"Purchase","event_time":1700000000,"event_id":"x",
                 "user":{"email":"86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d",
                         "phone":"36a2cef4ff9bf7a1abd2a93359136b870393be4106e6c5d19b72ff564f9deca4",
                         "ip":"203.0.113.7","ttclid":"E.C.P.testclick",
                         "user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"},
                 "page":{"url":"https://shop.example.com/checkout/done?ttclid=E.C.P.testclick","referrer":"https://shop.example.com/cart"},
                 "properties":{"currency":"USD","value":39.98,"content_type":"product","order_id":"123456789",
                   "contents":[{"content_id":"HT105","content_name":"The Big Floppy Hat","price":29.99,"quantity":1},
                               {"content_id":"HT104","content_name":"The Small Floppy Hat","price":9.99,"quantity":1}]}}""");
            ev.put("event_id", Template.ID);
            ev.put("event_time", Template.EPOCH);
            Template t = new Template("tiktok-purchase", ev);
            Ids ids = new Ids(0x7777);
            // Pre-built (distinct ids across bodies) so the client spends nothing on bodies.
            int n = perRequest >= 100 ? DISTINCT_BODIES : 4096;
            bodies = new byte[n][];
            long now = System.currentTimeMillis() / 1000;
            for (int b = 0; b < n; b++) {
                StringBuilder sb = new StringBuilder(perRequest * t.approxSize + 64);
                sb.append("{\"event_source\":\"web\",\"event_source_id\":\"BENCHPIXEL\",\"data\":[");
                for (int i = 0; i < perRequest; i++) {
                    if (i > 0) sb.append(',');
                    t.render(sb, ids.next(), null, now);
                }
                sb.append("]}");
                bodies[b] = sb.toString().getBytes(StandardCharsets.UTF_8);
            }
        }

        @Override public Req next() {
            return new Req("/open_api/v1.3/event/track/", bodies[cursor++ % bodies.length], perRequest);
        }

        @Override public Map<String, String> headers() {
            return Map.of("Content-Type", "application/json", "Access-Token", "bench");
        }

        @Override public String describe() {
            return perRequest + " events/request, " + bodies.length + " pre-built bodies of ~" + bodies[0].length + " bytes";
        }
    }
}
