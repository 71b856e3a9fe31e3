package io.github.ttforwarder.support;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: starts a real Kafka broker ({@link KafkaBrokerProcess}, own JVM, no Docker) and puts
 * the forwarder in Kafka mode against it ({@code forwarder.queue=kafka}, bootstrap servers, 3 partitions, short
 * session timeout). Use with {@code @WithTestResource(KafkaBroker.class)} on the test class.
 */
public class KafkaBroker implements QuarkusTestResourceLifecycleManager {

    private static volatile KafkaBrokerProcess broker;

    @Override
    public Map<String, String> start() {
        broker = new KafkaBrokerProcess(KafkaBrokerProcess.newDir()).start();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("forwarder.queue", "kafka");
        cfg.put("forwarder.kafka.bootstrap-servers", broker.bootstrapServers());
        cfg.put("forwarder.kafka.partitions", "3");
        cfg.put("forwarder.kafka.session-timeout-ms", "6000");
        cfg.put("forwarder.kafka.ingest-topic", "kafka-mode-test-ingest");
        return cfg;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** @return the running broker's {@code host:port} */
    public static String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
