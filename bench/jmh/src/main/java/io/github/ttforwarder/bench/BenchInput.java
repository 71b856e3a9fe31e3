package io.github.ttforwarder.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The benchmark inputs, built once from the forwarder's own test fixtures and samples (copied into the jar
 * under {@code bench/} at build time).
 *
 * <ul>
 * <li>{@link #collect100()}: an Edge Server API {@code /ee/v2/collect} body {@code {"events":[{"xdm":…},…]}} of
 *     100 XDM events, 20 each of purchase, product view, add to cart, checkout and page view, from five real
 *     Adobe fixtures. Each event gets a unique {@code _id}, its own timestamp, an {@code identityMap} with one
 *     {@code Email}, one {@code Phone} and one {@code CRMID} (so the forwarder hashes 3 values per event),
 *     {@code placeContext.geo.countryCode}, a User-Agent, a public IPv4 and a page URL.</li>
 * <li>{@link #plain1()}: the first element of {@code samples/plain-events.json} (a plain Purchase with e-mail,
 *     phone and external id: 3 hashes), as a single-object {@code /events} body.</li>
 * </ul>
 */
public final class BenchInput {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Fixture file and the path of its {@code xdm} object, per event kind. */
    private static final String[][] TEMPLATES = {
        // purchase without eventType (classified by commerce.order.purchaseID)
        {"experience-platform__websdk-commerce-purchase-order-no-eventtype.json", "xdm"},
        {"commerce-events__readme-productviews-ecid-categories.json", "xdm"},
        {"platform-learn__mobile-assurance-productlistadds-truncated-fixed.json", "xdm"},
        // checkout without eventType (classified by commerce.checkouts.value)
        {"experience-platform__websdk-commerce-checkouts.json", "xdm"},
        // Web SDK page view relayed by event forwarding: {"header":…,"body":{"xdm":…}}
        {"reactor-sandbox__edge-default-request-arc-pageview-ua-ipv4.json", "body/xdm"},
    };

    static final String USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/126.0.0.0 Safari/537.36";

    /** Hashed identifiers per XDM event (Email + Phone + CRMID) and in the plain sample (email, phone, external_id). */
    public static final int HASHES_PER_XDM_EVENT = 3;
    public static final int HASHES_PLAIN = 3;

    private BenchInput() {
    }

    /** @return the 100-event {@code /ee/v2/collect} body, UTF-8 JSON */
    public static byte[] collect100() {
        return collect(100);
    }

    /** @return an {@code /ee/v2/collect} body of {@code n} XDM events (round robin over the five kinds) */
    public static byte[] collect(int n) {
        List<ObjectNode> templates = new ArrayList<>();
        for (String[] t : TEMPLATES) {
            JsonNode root = read("bench/fixtures/xdm/" + t[0]);
            for (String step : t[1].split("/")) {
                root = root.get(step);
            }
            templates.add((ObjectNode) root);
        }
        ObjectNode body = MAPPER.createObjectNode();
        ArrayNode events = body.putArray("events");
        for (int i = 0; i < n; i++) {
            ObjectNode xdm = templates.get(i % templates.size()).deepCopy();
            xdm.put("_id", String.format("bench-%08x-7501-42ba-9d0a-%012d", 0x5eed0000 + i, i));
            xdm.put("timestamp", String.format("2025-03-14T09:%02d:%02d.%03dZ", (i / 60) % 60, i % 60, i));
            ObjectNode ids = xdm.with("identityMap");
            ids.putArray("Email").addObject().put("id", "  Shopper." + i + "@Example.COM ").put("authenticatedState", "authenticated");
            ids.putArray("Phone").addObject().put("id", String.format("+1 (415) 555-%04d", 100 + i)).put("authenticatedState", "authenticated");
            ids.putArray("CRMID").addObject().put("id", "CRM-" + (100000 + i)).put("primary", true);
            xdm.with("placeContext").with("geo").put("countryCode", "US");
            ObjectNode env = xdm.with("environment");
            env.put("type", "browser");
            env.with("browserDetails").put("userAgent", USER_AGENT).put("acceptLanguage", "en-US,en;q=0.9");
            env.put("ipV4", "203.0.113." + (1 + i % 250));
            ObjectNode web = xdm.with("web");
            web.with("webPageDetails").put("URL", "https://shop.example.com/p/" + i + "?ttclid=E.C.P.bench" + i);
            web.with("webReferrer").put("URL", "https://www.tiktok.com/");
            events.addObject().set("xdm", xdm);
        }
        return write(body);
    }

    /** @return the first plain event of {@code samples/plain-events.json}, as a single-object body */
    public static byte[] plain1() {
        return write(read("bench/samples/plain-events.json").get(0));
    }

    static JsonNode read(String resource) {
        try (InputStream in = BenchInput.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("benchmark resource missing: " + resource);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For a look at the input: {@code java -cp benchmarks.jar io.github.ttforwarder.bench.BenchInput}. */
    public static void main(String[] args) throws IOException {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("collect100 bytes", collect100().length);
        sizes.put("plain1 bytes", plain1().length);
        System.out.println(sizes);
        System.out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(MAPPER.readTree(collect(5))));
    }
}
