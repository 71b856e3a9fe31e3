package io.github.ttforwarder.kafka;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.support.KafkaBroker;
import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Kafka mode in one JVM against a real broker ({@link KafkaBroker}, own process) and the fake TikTok: HTTP
 * answers only after Kafka acknowledged, the consumer group delivers the exact events, rejections end on the
 * dead-letter topic, the ingest topic is consumed, and a delivered event_id is not sent twice.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
@WithTestResource(TikTokFake.class)
class KafkaModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(40);

    private static String plain(String id, Object time) {
        return "{\"event\":\"Purchase\",\"event_time\":" + time + ",\"event_id\":\"" + id + "\","
                + "\"user\":{\"email\":\" Jane@Example.com \"},\"properties\":{\"currency\":\"usd\",\"value\":12.5}}";
    }

    private static TikTokFake.Received delivered(String eventId) {
        List<TikTokFake.Received> found = TikTokFake.await(r -> eventId.equals(r.event().path("event_id").asText(null)), 1, WAIT);
        assertEquals(1, found.size(), "TikTok events with event_id " + eventId);
        return found.get(0);
    }

    @Test
    void eventsAnswerQueuedAndReachTikTok() {
        given().contentType("application/json").body("[" + plain("kmt-1", 1741945460) + "," + plain("kmt-2", 1741945461) + ",7]")
                .when().post("/events")
                .then().statusCode(202)
                .body("requestId", notNullValue())
                .body("received", equalTo(3)).body("queued", equalTo(2)).body("rejected", equalTo(1))
                .body("events", hasSize(1)).body("events[0].rejections[0].field", equalTo("events[2]"));
        TikTokFake.Received r = delivered("kmt-1");
        assertEquals("Purchase", r.event().path("event").asText());
        assertEquals(1741945460L, r.event().path("event_time").asLong());
        // e-mail trimmed, lower-cased and SHA-256 hashed, exactly as in embedded mode
        assertEquals("8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d",
                r.event().path("user").path("email").asText());
        assertEquals("USD", r.event().path("properties").path("currency").asText());
        assertEquals(TikTokFake.PIXEL, r.envelope().path("event_source_id").asText());
        assertEquals(TikTokFake.TOKEN, r.accessToken());
        delivered("kmt-2");
    }

    @Test
    void edgeCollectAndInteractKeepTheirAnswersAndDeliver() {
        given().contentType("application/json")
                .body("{\"events\":[{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"kmt-xdm-1\",\"timestamp\":\"2025-03-14T09:44:20Z\"}}]}")
                .when().post("/ee/v2/collect")
                .then().statusCode(202).body("queued", equalTo(1)).body("rejected", equalTo(0));
        given().contentType("application/json")
                .body("{\"event\":{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"kmt-xdm-2\",\"timestamp\":\"2025-03-14T09:44:21Z\"}}}")
                .when().post("/ee/v2/interact")
                .then().statusCode(200).body("requestId", notNullValue()).body("handle", hasSize(0));
        assertEquals("Purchase", delivered("kmt-xdm-1").event().path("event").asText());
        assertEquals(1741945461L, delivered("kmt-xdm-2").event().path("event_time").asLong());
    }

    @Test
    void rejectedEventEndsOnTheDeadLetterTopicWithItsReason() throws Exception {
        given().contentType("application/json").body(plain("kmt-bad", "\"yesterday\""))
                .when().post("/events")
                .then().statusCode(202).body("queued", equalTo(1));
        JsonNode line = awaitDeadLetter(n -> "event_time".equals(n.path("reason").path("code").asText()));
        assertNotNull(line, "a dead letter for the rejected event");
        assertEquals("validation", line.path("reason").path("source").asText());
        assertEquals(0, line.path("attempts").asInt());
        assertEquals(true, line.path("reason").path("message").asText().contains("event_time"));
        // nothing of it was sent
        assertEquals(0, TikTokFake.await(r -> "kmt-bad".equals(r.event().path("event_id").asText()), 0,
                Duration.ofMillis(300)).size());
    }

    @Test
    void ingestTopicEventsAreForwarded() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("kafka-mode-test-ingest", null, plain("kmt-topic-plain", 1741945462))).get();
            producer.send(new ProducerRecord<>("kafka-mode-test-ingest", null,
                    "{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"kmt-topic-xdm\",\"timestamp\":\"2025-03-14T09:44:20Z\"},\"data\":{}}")).get();
            producer.send(new ProducerRecord<>("kafka-mode-test-ingest", null,
                    "{\"events\":[" + plain("kmt-topic-batch-1", 1741945463) + "," + plain("kmt-topic-batch-2", 1741945464) + "]}")).get();
            producer.send(new ProducerRecord<>("kafka-mode-test-ingest", null, "not json")).get();
        }
        delivered("kmt-topic-plain");
        assertEquals("Purchase", delivered("kmt-topic-xdm").event().path("event").asText());
        delivered("kmt-topic-batch-1");
        delivered("kmt-topic-batch-2");
        JsonNode unreadable = awaitDeadLetter(n -> "unreadable-record".equals(n.path("reason").path("code").asText()));
        assertNotNull(unreadable, "the unreadable record is dead-lettered");
        assertEquals(true, unreadable.path("event").path("source").path("record").asText().startsWith("kafka-mode-test-ingest/"));
    }

    @Test
    void deliveredEventIdIsNotSentTwice() throws Exception {
        given().contentType("application/json").body(plain("kmt-dup", 1741945465)).when().post("/events")
                .then().statusCode(202).body("queued", equalTo(1));
        delivered("kmt-dup");
        Thread.sleep(1500); // the delivered key travels through the dedup topic
        given().contentType("application/json").body(plain("kmt-dup", 1741945465)).when().post("/events")
                .then().statusCode(202).body("queued", equalTo(1));
        given().contentType("application/json").body(plain("kmt-after-dup", 1741945466)).when().post("/events")
                .then().statusCode(202);
        delivered("kmt-after-dup"); // posted after the duplicate: the duplicate was processed by now
        Thread.sleep(500);
        assertEquals(1, TikTokFake.events().stream().filter(r -> "kmt-dup".equals(r.event().path("event_id").asText())).count());
    }

    private static JsonNode awaitDeadLetter(java.util.function.Predicate<JsonNode> test) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of("tiktok-forwarder-dead-letters"));
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode n = JSON.readTree(rec.value());
                    if (test.test(n)) {
                        System.out.println("Dead-letter topic record: key=" + rec.key() + " value=" + rec.value());
                        return n;
                    }
                }
            }
        }
        return null;
    }
}
