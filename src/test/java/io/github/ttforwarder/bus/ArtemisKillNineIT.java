package io.github.ttforwarder.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.support.ArtemisBroker;
import io.github.ttforwarder.support.FlakyTikTok;
import io.github.ttforwarder.support.ForwarderProcess;
import io.github.ttforwarder.support.KafkaBrokerProcess;

/**
 * At-least-once and no repeat of what TikTok acknowledged, from an AMQP queue under {@code kill -9}: an embedded
 * ActiveMQ Artemis broker holds 5,000 events — 2,500 messages of one plain event and 50 messages of a 50-event JSON
 * array (whose events span several TikTok requests); 1 in 250 names an unknown pixel. The PACKAGED forwarder,
 * configured by environment variables only ({@code FORWARDER_INGEST_ENDPOINTS_ORDERS_URI=jms:queue:…},
 * {@code QUARKUS_QPID_JMS_URL}), drains it to a fake TikTok that answers in 10–60 ms and 10 % of the time 40100.
 * When half the events were accepted the process is killed with SIGKILL and started again (same folder).
 *
 * <p>Every event must end accepted by TikTok or dead-lettered (unknown pixel), the queue and its DLQ empty. No event
 * whose acceptance TikTok had ANSWERED before the kill (100 ms grace for the forwarder to read the answer) may reach
 * TikTok again — a redelivered message, even one half delivered, comes back {@code deduplicated} thanks to the
 * delivered-key journal. Only events of requests still in flight at the kill may be repeated (same event_id, so
 * TikTok drops the repeat): no HTTP sink can tell whether an unanswered request was processed. Prints the counts.
 */
class ArtemisKillNineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 5000;
    private static final int CONSUMERS = 50;
    private static final String QUEUE = "tiktok-events";

    @Test
    void killNineHalfWayLosesNothing() throws Exception {
        Path root = Path.of("target", "artemis-" + java.util.UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        try (ArtemisBroker broker = new ArtemisBroker().start(root.resolve("broker"));
                FlakyTikTok tiktok = new FlakyTikTok(0.1)) {
            Set<String> bad = new HashSet<>();
            List<String> events = new ArrayList<>();
            for (int n = 0; n < EVENTS; n++) {
                String id = "am-" + n;
                boolean unknownPixel = n % 250 == 249;
                if (unknownPixel) {
                    bad.add(id);
                }
                events.add("{\"event\":\"Purchase\",\"event_time\":" + (1741945460 + n) + ",\"event_id\":\"" + id + "\""
                        + (unknownPixel ? ",\"pixel\":\"nope\"" : "") + ",\"user\":{\"email\":\"user" + n + "@example.com\"},"
                        + "\"properties\":{\"currency\":\"EUR\",\"value\":" + (n % 100 + 1) + "}}");
            }
            List<String> bodies = new ArrayList<>();
            for (int n = 0; n < EVENTS;) { // every other 100 events: 50 single-event messages, then one 50-event array
                if ((n / 50) % 2 == 0) {
                    bodies.addAll(events.subList(n, n + 50));
                } else {
                    bodies.add("[" + String.join(",", events.subList(n, n + 50)) + "]");
                }
                n += 50;
            }
            broker.send(QUEUE, bodies);
            assertEquals(bodies.size(), broker.messageCount(QUEUE));

            Map<String, String> env = new LinkedHashMap<>();
            env.put("FORWARDER_INGEST_ENDPOINTS_ORDERS_URI", "jms:queue:" + QUEUE + "?concurrentConsumers=" + CONSUMERS);
            env.put("QUARKUS_QPID_JMS_URL", broker.amqpUrl() + "?jms.prefetchPolicy.all=1");
            env.put("TIKTOK_API_BASE_URL", tiktok.baseUrl());
            env.put("TIKTOK_PIXEL_CODE", "ITPIXEL");
            env.put("TIKTOK_ACCESS_TOKEN", "it-token");
            env.put("FORWARDER_BATCH_MAX_WAIT", "200ms");
            env.put("FORWARDER_BATCH_MAX_EVENTS", "200");
            env.put("FORWARDER_RETRY_INITIAL_DELAY", "100ms");
            env.put("FORWARDER_RETRY_MAX_DELAY", "1s");
            env.put("FORWARDER_SHUTDOWN_TIMEOUT", "10");
            long t0 = System.currentTimeMillis();
            try (ForwarderProcess fwd = new ForwarderProcess(root.resolve("forwarder"), KafkaBrokerProcess.freePort(), env).start()) {
                while (tiktok.accepted().size() < (EVENTS - bad.size()) / 2) {
                    assertTrue(System.currentTimeMillis() - t0 < 180_000, "half the events within 3 minutes");
                    Thread.sleep(20);
                }
                long killedAt = System.currentTimeMillis();
                fwd.kill();
                Set<String> acknowledgedBeforeKill = new HashSet<>();
                tiktok.firstAnsweredAt().forEach((id, at) -> {
                    if (at < killedAt - 100) {
                        acknowledgedBeforeKill.add(id);
                    }
                });
                int acceptedAtKill = tiktok.accepted().size();
                long leftAtKill = broker.messageCount(QUEUE);
                System.out.printf("kill -9 after %d ms: TikTok had accepted %d distinct events, %d messages not acknowledged%n",
                        System.currentTimeMillis() - t0, acceptedAtKill, leftAtKill);

                fwd.start();
                Set<String> expected = new HashSet<>();
                for (int n = 0; n < EVENTS; n++) {
                    if (!bad.contains("am-" + n)) {
                        expected.add("am-" + n);
                    }
                }
                Set<String> missing;
                Set<String> deadLettered;
                long deadline = System.currentTimeMillis() + 180_000;
                do {
                    Thread.sleep(500);
                    missing = new HashSet<>(expected);
                    missing.removeAll(tiktok.accepted().keySet());
                    deadLettered = deadLetterIds(fwd.dir());
                } while ((!missing.isEmpty() || !deadLettered.containsAll(bad) || broker.messageCount(QUEUE) > 0)
                        && System.currentTimeMillis() < deadline);

                int total = tiktok.accepted().values().stream().mapToInt(AtomicInteger::get).sum();
                int unique = tiktok.accepted().size();
                Map<String, Object> counts = new LinkedHashMap<>();
                List<String> repeatedAfterAck = new ArrayList<>();
                for (String id : acknowledgedBeforeKill) {
                    if (tiktok.accepted().get(id).get() > 1) {
                        repeatedAfterAck.add(id);
                    }
                }
                counts.put("events", EVENTS);
                counts.put("messages", bodies.size());
                counts.put("deliveredUnique", unique);
                counts.put("acknowledgedBeforeKill", acknowledgedBeforeKill.size());
                counts.put("repeatedAfterTikTokAcknowledged", repeatedAfterAck.size());
                counts.put("repeatedInFlightAtKill", total - unique - repeatedAfterAck.size());
                counts.put("deadLettered", deadLettered.size());
                counts.put("lost", missing.size());
                counts.put("leftOnQueue", broker.messageCount(QUEUE));
                counts.put("onDLQ", broker.messageCount("DLQ"));
                counts.put("tiktokRequests", tiktok.requests());
                counts.put("tiktok40100", tiktok.throttled());
                counts.put("seconds", (System.currentTimeMillis() - t0) / 1000);
                System.out.println("ArtemisKillNineIT counts: " + counts);

                assertEquals(Set.of(), missing, "lost events");
                assertEquals(EVENTS - bad.size(), unique, "every good event delivered");
                assertEquals(bad, deadLettered, "dead-lettered exactly the unknown-pixel events");
                Set<String> sentBad = new HashSet<>(bad);
                sentBad.retainAll(tiktok.accepted().keySet());
                assertEquals(Set.of(), sentBad, "no unknown-pixel event sent");
                assertEquals(0, broker.messageCount(QUEUE), "queue drained (every message acknowledged)");
                assertEquals(0, broker.messageCount("DLQ"), "nothing rolled back to the broker's DLQ");
                assertEquals(List.of(), repeatedAfterAck, "events TikTok had acknowledged before the kill sent again");
                assertTrue(total - unique <= CONSUMERS * 50, "repeats (" + (total - unique) + ") only from the messages in"
                        + " progress at the kill (" + CONSUMERS + " consumers, at most 50 events a message)");
            }
        }
    }

    /** event_ids in the forwarder's dead-letter files (both runs share the folder). */
    private static Set<String> deadLetterIds(Path dir) throws Exception {
        Set<String> ids = new HashSet<>();
        Path dl = dir.resolve("data/dead-letters");
        if (!Files.isDirectory(dl)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(dl)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode n = JSON.readTree(line);
                    String id = n.path("event").path("event_id").asText(null);
                    if (id == null) { // input dead letter (rejected before the TikTok event existed)
                        id = n.path("input").path("body").path("event_id").asText(null);
                    }
                    if (id != null) {
                        ids.add(id);
                    }
                }
            }
        }
        return ids;
    }
}
