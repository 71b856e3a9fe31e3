package io.github.ttforwarder.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.support.FlakyTikTok;
import io.github.ttforwarder.support.ForwarderProcess;
import io.github.ttforwarder.support.KafkaBrokerProcess;
import io.github.ttforwarder.support.TopicReader;

/**
 * Zero loss under {@code kill -9}: the packaged forwarder in Kafka mode takes 5,000 events (50 posts of 100, from 4
 * threads) while TikTok (fake) answers slowly and sometimes 40100; mid-load the process is killed with SIGKILL,
 * started again (same group), and the posts that failed because it died are sent again to the new process.
 * Every event whose post was acknowledged (202) must end delivered to TikTok or on the dead-letter topic; 1 in
 * 250 events names an unknown pixel and must end on the dead-letter topic. Prints the counts.
 */
class KafkaKillNineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 5000;
    private static final int PER_POST = 100;

    @Test
    void killNineUnderLoadLosesNothing() throws Exception {
        Path root = KafkaBrokerProcess.newDir();
        try (KafkaBrokerProcess broker = new KafkaBrokerProcess(root.resolve("broker")).start();
                FlakyTikTok tiktok = new FlakyTikTok(0.1)) {
            Map<String, String> env = env(broker, tiktok);
            int port = KafkaBrokerProcess.freePort();
            ForwarderProcess a = new ForwarderProcess(root.resolve("a"), port, env).start();
            try {
                Set<String> badPixel = new HashSet<>();
                List<String> bodies = new ArrayList<>();
                for (int p = 0; p < EVENTS / PER_POST; p++) {
                    StringBuilder sb = new StringBuilder("[");
                    for (int i = 0; i < PER_POST; i++) {
                        int n = p * PER_POST + i;
                        String id = "k9-" + n;
                        boolean bad = n % 250 == 249;
                        if (bad) {
                            badPixel.add(id);
                        }
                        sb.append(i == 0 ? "" : ",").append("{\"event\":\"Purchase\",\"event_time\":").append(1741945460 + n)
                                .append(",\"event_id\":\"").append(id).append("\"").append(bad ? ",\"pixel\":\"nope\"" : "")
                                .append(",\"user\":{\"email\":\"user").append(n).append("@example.com\"}")
                                .append(",\"properties\":{\"currency\":\"EUR\",\"value\":").append(n % 100 + 1).append("}}");
                    }
                    bodies.add(sb.append("]").toString());
                }

                ConcurrentLinkedQueue<Integer> todo = new ConcurrentLinkedQueue<>();
                for (int i = 0; i < bodies.size(); i++) {
                    todo.add(i);
                }
                ConcurrentLinkedQueue<Integer> failed = new ConcurrentLinkedQueue<>();
                Set<Integer> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
                AtomicInteger posts = new AtomicInteger();
                AtomicBoolean killed = new AtomicBoolean();
                long t0 = System.currentTimeMillis();
                ExecutorService pool = Executors.newFixedThreadPool(4);
                for (int t = 0; t < 4; t++) {
                    pool.submit(() -> {
                        Integer i;
                        while ((i = todo.poll()) != null) {
                            int status = a.post("/events", bodies.get(i));
                            posts.incrementAndGet();
                            if (status == 202) {
                                acked.add(i);
                            } else {
                                failed.add(i);
                            }
                            // kill -9 when 40 % were acknowledged and TikTok already accepted events
                            if (acked.size() >= bodies.size() * 2 / 5 && !tiktok.accepted().isEmpty()
                                    && killed.compareAndSet(false, true)) {
                                a.kill();
                            }
                        }
                    });
                }
                pool.shutdown();
                assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "load finished");
                int ackedBeforeKill = acked.size();
                int deliveredAtKill = tiktok.accepted().size();
                assertTrue(killed.get(), "the forwarder was killed mid-load");
                System.out.printf("kill -9 after %d ms: %d of %d posts acknowledged, %d failed (to resend), "
                        + "TikTok had accepted %d distinct events%n", System.currentTimeMillis() - t0, ackedBeforeKill,
                        bodies.size(), failed.size(), deliveredAtKill);

                // restart (same group) and resend the posts that failed because the process died
                a.start();
                List<Integer> resend = new ArrayList<>(failed);
                for (Integer i : resend) {
                    assertEquals(202, a.post("/events", bodies.get(i)), "resent post " + i);
                    acked.add(i);
                }

                Set<String> expected = new HashSet<>();
                for (Integer i : acked) {
                    for (int k = 0; k < PER_POST; k++) {
                        expected.add("k9-" + (i * PER_POST + k));
                    }
                }
                Set<String> deadLettered = new HashSet<>();
                long deadline = System.currentTimeMillis() + 150_000;
                Set<String> missing;
                do {
                    Thread.sleep(1000);
                    deadLettered = deadLetterIds(broker);
                    missing = new HashSet<>(expected);
                    missing.removeAll(tiktok.accepted().keySet());
                    missing.removeAll(deadLettered);
                } while (!missing.isEmpty() && System.currentTimeMillis() < deadline);

                int deliveredTotal = tiktok.accepted().values().stream().mapToInt(AtomicInteger::get).sum();
                int deliveredUnique = tiktok.accepted().size();
                Map<String, Object> counts = new LinkedHashMap<>();
                counts.put("posted", EVENTS);
                counts.put("acknowledged", expected.size());
                counts.put("acknowledgedBeforeKill", ackedBeforeKill * PER_POST);
                counts.put("resentAfterRestart", resend.size() * PER_POST);
                counts.put("deliveredUnique", deliveredUnique);
                counts.put("deliveredDuplicates", deliveredTotal - deliveredUnique);
                counts.put("deadLettered", deadLettered.size());
                counts.put("lost", missing.size());
                counts.put("tiktokRequests", tiktok.requests());
                counts.put("tiktok40100", tiktok.throttled());
                System.out.println("KafkaKillNineIT counts: " + counts);

                assertEquals(EVENTS, expected.size(), "every post acknowledged once resent");
                assertEquals(Set.of(), missing, "lost events");
                assertEquals(badPixel, deadLettered, "dead-lettered exactly the events naming an unknown pixel");
                Set<String> deliveredBad = new HashSet<>(badPixel);
                deliveredBad.retainAll(tiktok.accepted().keySet());
                assertEquals(Set.of(), deliveredBad, "no unknown-pixel event was sent");
                assertEquals(EVENTS - badPixel.size(), deliveredUnique, "delivered unique");
            } finally {
                a.close();
            }
        }
    }

    static Map<String, String> env(KafkaBrokerProcess broker, FlakyTikTok tiktok) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FORWARDER_QUEUE", "kafka");
        env.put("FORWARDER_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("FORWARDER_KAFKA_PARTITIONS", "4");
        env.put("FORWARDER_KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("FORWARDER_KAFKA_MAX_POLL_RECORDS", "500");
        env.put("TIKTOK_API_BASE_URL", tiktok.baseUrl());
        env.put("TIKTOK_PIXEL_CODE", "ITPIXEL");
        env.put("TIKTOK_ACCESS_TOKEN", "it-token");
        env.put("FORWARDER_BATCH_MAX_WAIT", "200ms");
        env.put("FORWARDER_BATCH_MAX_EVENTS", "200");
        env.put("FORWARDER_RETRY_INITIAL_DELAY", "100ms");
        env.put("FORWARDER_RETRY_MAX_DELAY", "1s");
        env.put("FORWARDER_SHUTDOWN_TIMEOUT", "10");
        return env;
    }

    static Set<String> deadLetterIds(KafkaBrokerProcess broker) throws Exception {
        Set<String> ids = new HashSet<>();
        for (String v : TopicReader.readAll(broker.bootstrapServers(), "tiktok-forwarder-dead-letters")) {
            JsonNode n = JSON.readTree(v);
            // output letters carry the TikTok event; input letters (unknown pixel, validation) the input event
            String id = n.path("event").path("event_id").asText(n.path("input").path("body").path("event_id").asText(null));
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }
}
