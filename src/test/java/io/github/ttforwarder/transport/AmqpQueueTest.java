package io.github.ttforwarder.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.ArtemisBroker;
import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An AMQP queue on a real (embedded) ActiveMQ Artemis as a bus ingest endpoint: a message holding several events
 * is forwarded and acknowledged (the queue drains); a message that cannot be read is never acknowledged — rolled
 * back on every delivery until the broker moves it to its DLQ after 10 attempts — and nothing of it is sent.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@WithTestResource(AmqpQueueTest.Broker.class)
class AmqpQueueTest {

    private static final String QUEUE = "qt-events";

    /** Artemis in the test JVM, and the endpoint as a user configures it. */
    public static class Broker implements QuarkusTestResourceLifecycleManager {
        static volatile ArtemisBroker broker;

        @Override
        public Map<String, String> start() {
            try {
                broker = new ArtemisBroker().start(Path.of("target", "test-data", "artemis-" + UUID.randomUUID()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("forwarder.ingest.endpoints.queue.uri", "jms:queue:" + QUEUE + "?concurrentConsumers=2",
                    "quarkus.qpid-jms.url", broker.amqpUrl() + "?jms.prefetchPolicy.all=1");
        }

        @Override
        public void stop() {
            try {
                broker.close();
            } catch (Exception e) {
                // test JVM ends
            }
        }
    }

    @Test
    void aMessageOfSeveralEventsIsForwardedThenAcknowledged() throws Exception {
        Broker.broker.send(QUEUE, List.of("{\"events\":[{\"event\":\"Lead\",\"event_time\":1741945460,\"event_id\":\"q-1\"},"
                + "{\"event\":\"Lead\",\"event_time\":1741945461,\"event_id\":\"q-2\",\"user\":{\"email\":\"A@B.co\"}}]}"));
        TikTokFake.byEventId("q-1");
        assertEquals(FileDropTest.sha256("a@b.co"), TikTokFake.byEventId("q-2").event().path("user").path("email").asText());
        awaitCount(QUEUE, 0);
    }

    @Test
    void anUnreadableMessageIsRolledBackUntilTheBrokersDlq() throws Exception {
        Broker.broker.send(QUEUE, List.of("{\"event\":\"Lead\",\"event_id\":\"q-bad-1\"}\n{\"event\": oops}"));
        awaitCount("DLQ." + QUEUE, 1); // autoCreateDeadLetterResources: queue DLQ.<queue> on address DLQ
        assertEquals(0, Broker.broker.messageCount(QUEUE));
        assertEquals(List.of(), TikTokFake.await(r -> r.event().path("event_id").asText().startsWith("q-bad"), 1,
                Duration.ofMillis(500)), "nothing of an unreadable message is sent");
    }

    private static void awaitCount(String queue, long expected) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Broker.broker.messageCount(queue) != expected && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(expected, Broker.broker.messageCount(queue), queue + " message count");
    }
}
