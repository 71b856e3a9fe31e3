package io.github.ttforwarder.bench;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.hashing.HashingBean;
import io.github.ttforwarder.ingest.ClientIpResolver;
import io.github.ttforwarder.ingest.IngestResponseWriter;
import io.github.ttforwarder.ingest.IngestResponseWriter.Style;
import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.ingest.MalformedRequestException;
import io.github.ttforwarder.ingest.RequestContextExtractor;
import io.github.ttforwarder.mapping.OutboundEventValidator;
import io.github.ttforwarder.mapping.PropertiesMapper;
import io.github.ttforwarder.mapping.TikTokEventRoutes;
import io.github.ttforwarder.mapping.UserContextMapper;
import io.github.ttforwarder.mapping.WebEventMapper;
import io.github.ttforwarder.model.OutboundEvent;
import io.github.ttforwarder.rules.RuleDispatchRoutes;
import io.github.ttforwarder.rules.RuleEngine;
import io.github.ttforwarder.rules.RuleFiles;
import io.github.ttforwarder.rules.RuleInputPreparer;
import io.github.ttforwarder.rules.RuleRegistry;
import io.github.ttforwarder.rules.XdmEventClassifier;
import io.vertx.core.net.SocketAddress;

/**
 * The forwarder's hot path on a plain {@link DefaultCamelContext}, no Quarkus, no network: the real beans
 * (constructed by hand, as CDI would) and the real route builders ({@link RuleDispatchRoutes},
 * {@link TikTokEventRoutes}, their {@code @Inject} fields set by reflection), the shipped rule files of
 * {@code routes/} loaded with Camel's YAML and XML route loaders, and an ingest route that is
 * {@code direct:ingest} of {@code HttpIngestRoutes} step for step (the platform-http consumers are left out).
 *
 * <pre>
 * direct:bench-collect / direct:bench-events   (STYLE property, as HttpIngestRoutes' endpoint routes)
 *   → direct:ingest  RequestContextExtractor → InboundBodyReader → RuleEngine → IngestResponseWriter
 * RuleEngine  (one exchange per request; the rules of routes/*.yaml, routes/*.xml compiled into plans)
 *   → TikTokEventRoutes.send (mappers, hashing, validator)
 *   → direct:tiktok-deliver  STUB: serialises the OutboundEvent's data[] item with Jackson (as Delivery.submit does)
 *                            and counts it; no dedup, no aggregator, no HTTP
 * </pre>
 */
public final class Pipeline implements AutoCloseable {

    public static final String COLLECT = "direct:bench-collect";
    public static final String EVENTS = "direct:bench-events";

    /** Delivery.submit serialises each item with its own plain ObjectMapper; so does the stub. */
    private static final ObjectMapper DELIVERY_MAPPER = new ObjectMapper();

    final DefaultCamelContext camel;
    final ProducerTemplate producer;
    /** TikTok events that reached the delivery stub, and their serialised bytes. */
    public final LongAdder delivered = new LongAdder();
    public final LongAdder deliveredBytes = new LongAdder();
    /** Set only while checking the set-up: sees every delivered data[] item. */
    volatile Consumer<ObjectNode> capture;

    /** Request headers as platform-http hands them to the ingest route (the extractor reads, then drops them). */
    private final Map<String, Object> requestHeaders = new HashMap<>();

    public Pipeline() throws Exception {
        camel = new DefaultCamelContext();
        // The app: quarkus-jackson's ObjectMapper; plain defaults are what matter for reading Object.class.
        ObjectMapper mapper = new ObjectMapper();

        // Beans, as CDI builds them with the app's default configuration (dry run, no default region, CRMID).
        PixelRegistry pixels = new PixelRegistry(Map.of(PixelRegistry.DEFAULT,
                new Pixel(PixelRegistry.DEFAULT, "CBENCHPIXEL0000000000", "")));
        HashingBean hashing = new HashingBean((String) null);
        RuleRegistry rules = new RuleRegistry(camel);
        RuleInputPreparer input = new RuleInputPreparer(new XdmEventClassifier());
        WebEventMapper webEvent = new WebEventMapper(pixels, Optional.empty(), "36500d", "5m"); // BenchInput carries 2025 times
        UserContextMapper userContext = new UserContextMapper(hashing, Optional.of("CRMID"));
        PropertiesMapper properties = new PropertiesMapper();
        OutboundEventValidator validator = new OutboundEventValidator();
        // Reached only for rejected events, which the benchmark input has none of (checked in verify()).
        io.github.ttforwarder.queue.RejectedEventRecorder rejectedEvents = new io.github.ttforwarder.queue.RejectedEventRecorder();
        RequestContextExtractor requestContext = new RequestContextExtractor(new ClientIpResolver((String) null));
        // collect100 is ~100 KB (100 fixture events with their data): above the 64 KB default body limit
        InboundBodyReader bodyReader = new InboundBodyReader(mapper, new io.github.ttforwarder.ingest.InputLimits(
                1024 * 1024, 32, 64, 16 * 1024, 1000));
        IngestResponseWriter responses = new IngestResponseWriter(mapper);

        TikTokEventRoutes tiktokEvent = new TikTokEventRoutes();
        inject(tiktokEvent, "webEvent", webEvent);
        inject(tiktokEvent, "userContext", userContext);
        inject(tiktokEvent, "properties", properties);
        inject(tiktokEvent, "validator", validator);
        inject(tiktokEvent, "rejectedEvents", rejectedEvents);
        RuleEngine engine = new RuleEngine().init(camel, rules, input, tiktokEvent, rejectedEvents);
        RuleDispatchRoutes dispatch = new RuleDispatchRoutes();
        inject(dispatch, "rules", rules);
        inject(dispatch, "engine", engine);

        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // HttpIngestRoutes.endpoint(..): platform-http consumer → STYLE → direct:ingest
                from(COLLECT).routeId("bench-edge-collect")
                        .setProperty(IngestResponseWriter.STYLE, constant(Style.COLLECT))
                        .to("direct:ingest");
                from(EVENTS).routeId("bench-events")
                        .setProperty(IngestResponseWriter.STYLE, constant(Style.EVENTS))
                        .to("direct:ingest");
                // HttpIngestRoutes' direct:ingest, unchanged
                from("direct:ingest").routeId("ingest")
                        .onException(MalformedRequestException.class).handled(true)
                            .process(responses::malformed)
                        .end()
                        .onException(Exception.class).handled(true)
                            .process(responses::internalError)
                        .end()
                        .process(requestContext)
                        .process(bodyReader)
                        .process(engine)
                        .process(responses::respond);
                // delivery stub
                from("direct:tiktok-deliver").routeId("bench-deliver-stub")
                        .process(Pipeline.this::deliver);
            }
        });
        camel.addRoutes(dispatch);
        camel.addRoutes(tiktokEvent);

        // The shipped rules, with Camel's YAML and XML DSL loaders (the app loads them from routes/ at run time).
        var resolver = PluginHelper.getPackageScanResourceResolver(camel);
        Collection<Resource> ruleFiles = new java.util.ArrayList<>();
        ruleFiles.addAll(resolver.findResources("classpath:bench/routes/*.yaml"));
        ruleFiles.addAll(resolver.findResources("classpath:bench/routes/*.xml"));
        if (ruleFiles.isEmpty()) {
            throw new IllegalStateException("no rule files found under classpath:bench/routes/");
        }
        for (Resource r : ruleFiles) {
            String name = r.getLocation().substring(r.getLocation().lastIndexOf('/') + 1);
            String text;
            try (var in = r.getInputStream()) {
                text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            camel.addRouteDefinitions(RuleFiles.definitions(camel, name, text));
        }

        camel.start();
        producer = camel.createProducerTemplate();

        requestHeaders.put("CamelVertxPlatformHttpRemoteAddress", SocketAddress.inetSocketAddress(51234, "198.51.100.23"));
        requestHeaders.put("User-Agent", BenchInput.USER_AGENT);
        requestHeaders.put("Cookie", "_ttp=2vRbSBuGC9zLGO0u5J4fxYe5Kq1; other=1");
        requestHeaders.put("Content-Type", "application/json");
        requestHeaders.put("Accept", "*/*");
        requestHeaders.put("Host", "collect.shop.example.com");
    }

    /** @return how many routes of the rule group are running */
    public int ruleCount() {
        int n = 0;
        for (Route r : camel.getRoutes()) {
            if (RuleRegistry.GROUP.equals(r.getGroup())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Sends one request body through the ingest route, as platform-http would.
     *
     * @param endpoint {@link #COLLECT} or {@link #EVENTS}
     * @return the finished exchange (its body is the HTTP answer's bytes)
     */
    public Exchange send(String endpoint, byte[] body) {
        Exchange ex = producer.send(endpoint, e -> {
            requestHeaders.forEach(e.getMessage()::setHeader);
            e.getMessage().setHeader(Exchange.HTTP_URI, endpoint == COLLECT ? "/ee/v2/collect" : "/events");
            e.getMessage().setBody(body);
        });
        if (ex.getException() != null) {
            throw new IllegalStateException("pipeline failed", ex.getException());
        }
        return ex;
    }

    private void deliver(Exchange exchange) throws Exception {
        OutboundEvent event = exchange.getMessage().getBody(OutboundEvent.class);
        byte[] json = DELIVERY_MAPPER.writeValueAsBytes(event.event());
        delivered.increment();
        deliveredBytes.add(json.length);
        Consumer<ObjectNode> c = capture;
        if (c != null) {
            c.accept(event.event());
        }
    }

    private static void inject(Object target, String field, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    /** Result of {@link #verify}: what one request produced. */
    public record Check(long delivered, long deliveredBytes, int hashes, int rejected, int unmatched, String response) {
    }

    /** Runs one request and counts what came out: events delivered, their bytes, hashed user fields, outcomes. */
    public Check verify(String endpoint, byte[] body) throws Exception {
        int[] hashes = {0};
        capture = item -> {
            for (String f : List.of("email", "phone", "external_id", "first_name", "last_name", "zip_code")) {
                var v = item.path("user").get(f);
                if (v != null) {
                    hashes[0] += v.isArray() ? v.size() : 1;
                }
            }
        };
        long d0 = delivered.sum();
        long b0 = deliveredBytes.sum();
        Exchange ex = send(endpoint, body);
        capture = null;
        String response = new String(ex.getMessage().getBody(byte[].class), java.nio.charset.StandardCharsets.UTF_8);
        var tree = DELIVERY_MAPPER.readTree(response);
        return new Check(delivered.sum() - d0, deliveredBytes.sum() - b0, hashes[0], tree.path("rejected").asInt(),
                tree.path("unmatched").asInt(), response);
    }

    @Override
    public void close() {
        camel.stop();
    }
}
