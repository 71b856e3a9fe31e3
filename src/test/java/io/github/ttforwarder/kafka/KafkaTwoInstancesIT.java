package io.github.ttforwarder.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.FlakyTikTok;
import io.github.ttforwarder.support.ForwarderProcess;
import io.github.ttforwarder.support.KafkaBrokerProcess;

/**
 * Scale-out: two packaged forwarders in the same consumer group share a 4-partition queue topic. Events are
 * posted to both; every event must be delivered, and both instances must have delivered some (each instance
 * runs with its own access token, so TikTok's Access-Token header tells which instance sent an event).
 */
class KafkaTwoInstancesIT {

    private static final int EVENTS = 2000;

    @Test
    void twoInstancesShareThePartitions() throws Exception {
        Path root = KafkaBrokerProcess.newDir();
        try (KafkaBrokerProcess broker = new KafkaBrokerProcess(root.resolve("broker")).start();
                FlakyTikTok tiktok = new FlakyTikTok(0.05)) {
            Map<String, String> envA = new LinkedHashMap<>(KafkaKillNineIT.env(broker, tiktok));
            envA.put("TIKTOK_ACCESS_TOKEN", "token-a");
            Map<String, String> envB = new LinkedHashMap<>(KafkaKillNineIT.env(broker, tiktok));
            envB.put("TIKTOK_ACCESS_TOKEN", "token-b");
            try (ForwarderProcess a = new ForwarderProcess(root.resolve("a"), KafkaBrokerProcess.freePort(), envA).start();
                    ForwarderProcess b = new ForwarderProcess(root.resolve("b"), KafkaBrokerProcess.freePort(), envB).start()) {
                Thread.sleep(3000); // both consumers join the group
                Set<String> expected = new HashSet<>();
                for (int p = 0; p < EVENTS / 100; p++) {
                    StringBuilder sb = new StringBuilder("[");
                    for (int i = 0; i < 100; i++) {
                        String id = "two-" + (p * 100 + i);
                        expected.add(id);
                        sb.append(i == 0 ? "" : ",").append("{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"")
                                .append(id).append("\"}");
                    }
                    ForwarderProcess target = p % 2 == 0 ? a : b;
                    assertEquals(202, target.post("/events", sb.append("]").toString()), "post " + p);
                }
                long deadline = System.currentTimeMillis() + 90_000;
                Set<String> missing;
                do {
                    Thread.sleep(500);
                    missing = new HashSet<>(expected);
                    missing.removeAll(tiktok.accepted().keySet());
                } while (!missing.isEmpty() && System.currentTimeMillis() < deadline);
                int total = tiktok.accepted().values().stream().mapToInt(AtomicInteger::get).sum();
                int byA = tiktok.byToken().getOrDefault("token-a", new AtomicInteger()).get();
                int byB = tiktok.byToken().getOrDefault("token-b", new AtomicInteger()).get();
                System.out.printf("KafkaTwoInstancesIT counts: {posted=%d, deliveredUnique=%d, deliveredDuplicates=%d, "
                        + "deliveredByInstanceA=%d, deliveredByInstanceB=%d, missing=%d}%n", EVENTS, tiktok.accepted().size(),
                        total - tiktok.accepted().size(), byA, byB, missing.size());
                assertEquals(Set.of(), missing, "undelivered events");
                assertTrue(byA > 0 && byB > 0, "both instances delivered events: A=" + byA + ", B=" + byB);
            }
        }
    }
}
