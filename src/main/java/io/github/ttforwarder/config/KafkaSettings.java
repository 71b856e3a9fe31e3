package io.github.ttforwarder.config;

import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings of the durable Kafka mode ({@code forwarder.queue=kafka}), read once at start from the top-level
 * {@code application.properties} (each key also settable by its environment variable, see the README section
 * "Durable mode on Kafka"). In the default embedded mode ({@code forwarder.queue=embedded}) none of the Kafka
 * routes is built and no connection is attempted.
 *
 * @throws IllegalArgumentException (at start) when {@code forwarder.queue} is neither {@code embedded} nor
 *                                  {@code kafka}, or a number is out of range
 */
@ApplicationScoped
@Named("kafkaSettings")
public class KafkaSettings {

    /** The embedded dedup bean's name: in Kafka mode it is replaced by {@value #KAFKA_DEDUP_REPOSITORY}. */
    public static final String EMBEDDED_DEDUP_REPOSITORY = "tiktokDedupRepository";
    /** Bean name of the Kafka-backed dedup store (Camel's KafkaIdempotentRepository on a compacted topic). */
    public static final String KAFKA_DEDUP_REPOSITORY = "kafkaDedupRepository";

    @Inject
    @ConfigProperty(name = "forwarder.queue", defaultValue = "embedded")
    String queue;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.bootstrap-servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.topic", defaultValue = "tiktok-forwarder-events")
    String topic;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.group-id", defaultValue = "tiktok-forwarder")
    String groupId;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.ingest-topic")
    Optional<String> ingestTopic;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.dead-letter-topic", defaultValue = "tiktok-forwarder-dead-letters")
    String deadLetterTopic;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.dedup-topic", defaultValue = "tiktok-forwarder-dedup")
    String dedupTopic;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.partitions", defaultValue = "6")
    int partitions;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.replication-factor", defaultValue = "1")
    short replicationFactor;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.max-poll-records", defaultValue = "1000")
    int maxPollRecords;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.consumers", defaultValue = "1")
    int consumers;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.session-timeout-ms", defaultValue = "15000")
    int sessionTimeoutMs;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.max-poll-interval-ms", defaultValue = "900000")
    int maxPollIntervalMs;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.send-timeout-ms", defaultValue = "10000")
    int sendTimeoutMs;

    @Inject
    @ConfigProperty(name = "forwarder.kafka.dedup-cache-size", defaultValue = "1000000")
    int dedupCacheSize;

    private boolean enabled;

    @PostConstruct
    void init() {
        String q = queue == null ? "embedded" : queue.trim().toLowerCase(java.util.Locale.ROOT);
        if (!q.equals("embedded") && !q.equals("kafka")) {
            throw new IllegalArgumentException("forwarder.queue must be 'embedded' or 'kafka', was '" + queue + "'");
        }
        enabled = q.equals("kafka");
        if (partitions < 1 || maxPollRecords < 1 || consumers < 1 || replicationFactor < 1 || sendTimeoutMs < 1000
                || dedupCacheSize < 1) {
            throw new IllegalArgumentException("forwarder.kafka.partitions, max-poll-records, consumers, "
                    + "replication-factor and dedup-cache-size must be positive; send-timeout-ms at least 1000");
        }
    }

    /** @return true in Kafka mode ({@code forwarder.queue=kafka}); false in the default embedded mode. */
    public boolean enabled() {
        return enabled;
    }

    /** @return the brokers, {@code host:port[,host:port...]} ({@code forwarder.kafka.bootstrap-servers}). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return the queue topic HTTP ingest publishes to and the consumer group reads ({@code forwarder.kafka.topic}). */
    public String topic() {
        return topic;
    }

    /** @return the consumer group shared by all instances ({@code forwarder.kafka.group-id}). */
    public String groupId() {
        return groupId;
    }

    /** @return the optional topic of raw events in any shape the HTTP ingest accepts ({@code forwarder.kafka.ingest-topic}). */
    public Optional<String> ingestTopic() {
        return ingestTopic.map(String::trim).filter(s -> !s.isEmpty());
    }

    /** @return the topic dead letters are produced to, one JSON line per record, key = pixel ({@code forwarder.kafka.dead-letter-topic}). */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** @return the compacted topic of delivered dedup keys ({@code forwarder.kafka.dedup-topic}). */
    public String dedupTopic() {
        return dedupTopic;
    }

    /** @return partitions of the topics the forwarder creates when missing ({@code forwarder.kafka.partitions}). */
    public int partitions() {
        return partitions;
    }

    /** @return replication factor of the topics the forwarder creates ({@code forwarder.kafka.replication-factor}). */
    public short replicationFactor() {
        return replicationFactor;
    }

    /** @return most records handed to the pipeline per poll; their offsets are committed together ({@code forwarder.kafka.max-poll-records}). */
    public int maxPollRecords() {
        return maxPollRecords;
    }

    /** @return consumer threads per topic and instance ({@code forwarder.kafka.consumers}). */
    public int consumers() {
        return consumers;
    }

    /** @return ms after which a silent (killed) instance leaves the group ({@code forwarder.kafka.session-timeout-ms}). */
    public int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    /** @return longest ms a poll's events may take to reach a terminal state before the group evicts the consumer ({@code forwarder.kafka.max-poll-interval-ms}). */
    public int maxPollIntervalMs() {
        return maxPollIntervalMs;
    }

    /** @return ms a publish to Kafka may take before the HTTP request is answered 503 ({@code forwarder.kafka.send-timeout-ms}). */
    public int sendTimeoutMs() {
        return sendTimeoutMs;
    }

    /** @return keys the dedup store keeps in memory per instance ({@code forwarder.kafka.dedup-cache-size}). */
    public int dedupCacheSize() {
        return dedupCacheSize;
    }

    /**
     * @param configured the configured {@code forwarder.dedup.repository}
     * @return the dedup bean to use: in Kafka mode the embedded default is replaced by {@value #KAFKA_DEDUP_REPOSITORY}
     */
    public String dedupRepository(String configured) {
        return enabled && EMBEDDED_DEDUP_REPOSITORY.equals(configured) ? KAFKA_DEDUP_REPOSITORY : configured;
    }

    /** @return common Kafka client options for Camel kafka endpoint URIs ({@code brokers=...}). */
    public String brokersOption() {
        return "brokers=" + bootstrapServers;
    }
}
