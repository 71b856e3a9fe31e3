package io.github.ttforwarder.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.github.ttforwarder.delivery.TestSupport.TRACK_PATH;
import static io.github.ttforwarder.delivery.TestSupport.await;
import static io.github.ttforwarder.delivery.TestSupport.event;
import static io.github.ttforwarder.delivery.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import jakarta.inject.Inject;

import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.github.ttforwarder.model.OutboundEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * One bad event inside a full batch of 1000: with a long max-wait the batch completes by size only, so the
 * first request carries exactly the 1000 events and the bad one is TikTok's {@code Batch.537}.
 */
@QuarkusTest
@TestProfile(BatchOf1000Test.LongWait.class)
@io.quarkus.test.common.WithTestResource(TikTokFakeResource.class)
class BatchOf1000Test {

    /** max-wait far above the test's duration: completion by size (1000) only. */
    public static class LongWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forwarder.batch.max-wait", "60s");
        }
    }

    private static final String BAD_MESSAGE = "Batch.537.properties.contents.0.content_id: Not a valid string";

    @InjectWireMock
    WireMockServer tiktok;

    @Inject
    ProducerTemplate producer;

    @Inject
    DeliveryMetrics metrics;

    @ConfigProperty(name = "forwarder.dead-letter.dir")
    String deadLetterDir;

    @Test
    void badEventAt537IsDeadLetteredAnd999AreDeliveredExactlyOnce() {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ObjectNode e = event("Purchase");
            if (i == 537) {
                ((ObjectNode) e.path("properties").path("contents").get(0)).put("content_id", 537);
            }
            events.add(e);
        }
        String badId = events.get(537).get("event_id").asText();
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-batch"))
                .willReturn(okJson("{\"code\":0,\"message\":\"OK\",\"request_id\":\"req-ok\",\"data\":{}}")));
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-batch"))
                .withRequestBody(matchingJsonPath("$.data[?(@.event_id == '" + badId + "')]"))
                .willReturn(okJson("{\"code\":40002,\"message\":\"" + BAD_MESSAGE
                        + "\",\"request_id\":\"req-bad\",\"data\":{}}")));

        long start = System.nanoTime();
        events.forEach(e -> producer.sendBody(DeliveryRoutes.DELIVER, new OutboundEvent("batch", null, e)));
        System.out.printf("MEASURED: 1000 events enqueued on direct:tiktok-deliver in %d ms (cold JVM)%n",
                (System.nanoTime() - start) / 1_000_000);

        await("999 delivered and 1 dead-lettered", Duration.ofSeconds(30),
                () -> metrics.count(DeliveryMetrics.DELIVERED, "pixel", "batch") == 999
                        && metrics.count(DeliveryMetrics.DEAD_LETTERED, "pixel", "batch") == 1);

        List<LoggedRequest> reqs = tiktok.findAll(postRequestedFor(urlEqualTo(TRACK_PATH))
                .withHeader("Access-Token", equalTo("token-batch")));
        assertEquals(2, reqs.size(), "the full batch, then the 999 good events");
        List<String> first = ids(json(reqs.get(0).getBodyAsString()));
        List<String> second = ids(json(reqs.get(1).getBodyAsString()));
        assertEquals(events.stream().map(e -> e.get("event_id").asText()).toList(), first);
        assertEquals(999, second.size());
        assertEquals(999, second.stream().distinct().count());
        assertFalse(second.contains(badId));
        List<String> expectedGood = new ArrayList<>(first);
        expectedGood.remove(badId);
        assertEquals(expectedGood, second, "the good events, in order, same event_ids");

        List<JsonNode> dl = TestSupport.jsonLines(Path.of(deadLetterDir), "dead-letters-*.jsonl").stream()
                .filter(d -> "batch".equals(d.path("pixel").path("name").asText())).toList();
        assertEquals(1, dl.size());
        assertEquals(TestSupport.norm(events.get(537)), dl.get(0).get("event"));
        assertEquals(json("{\"source\":\"tiktok\",\"code\":\"40002\",\"message\":\"" + BAD_MESSAGE
                + "\",\"request_id\":\"req-bad\"}"), dl.get(0).get("reason"));
        assertEquals(1, dl.get(0).get("attempts").asInt());
        assertEquals(2.0, metrics.count(DeliveryMetrics.REQUESTS, "pixel", "batch"));
    }

    @Test
    void sixThousandEventsAreSentOnceEachInRequestsOfAtMost1000AndTheEnqueueRateIsPrinted() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-basic"))
                .willReturn(okJson("{\"code\":0,\"message\":\"OK\",\"request_id\":\"req-ok\",\"data\":{}}")));
        for (int round = 0; round < 3; round++) {
            List<ObjectNode> events = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                events.add(event("Purchase"));
            }
            long start = System.nanoTime();
            events.forEach(e -> producer.sendBody(DeliveryRoutes.DELIVER, new OutboundEvent("basic", null, e)));
            System.out.printf("MEASURED: round %d: 2000 events enqueued in %d ms%n", round,
                    (System.nanoTime() - start) / 1_000_000);
        }
        await("6000 delivered", Duration.ofSeconds(60),
                () -> metrics.count(DeliveryMetrics.DELIVERED, "pixel", "basic") == 6000);
        List<LoggedRequest> reqs = tiktok.findAll(postRequestedFor(urlEqualTo(TRACK_PATH))
                .withHeader("Access-Token", equalTo("token-basic")));
        List<String> sent = reqs.stream().flatMap(r -> ids(json(r.getBodyAsString())).stream()).toList();
        assertEquals(6000, sent.size());
        assertEquals(6000, sent.stream().distinct().count());
        assertEquals(true, reqs.stream().allMatch(r -> json(r.getBodyAsString()).path("data").size() <= 1000));
        System.out.printf("MEASURED: 6000 events in %d requests%n", reqs.size());
    }

    private static List<String> ids(JsonNode body) {
        return StreamSupport.stream(body.path("data").spliterator(), false).map(e -> e.path("event_id").asText())
                .toList();
    }
}
