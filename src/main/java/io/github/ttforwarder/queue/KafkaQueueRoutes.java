package io.github.ttforwarder.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

import io.github.ttforwarder.config.KafkaSettings;
import io.github.ttforwarder.delivery.deadletter.DeadLetterStore;

/**
 * The Kafka-mode routes, built only when {@code forwarder.queue=kafka} (in the embedded default this builder
 * adds nothing: no Kafka endpoint exists and no connection is attempted).
 *
 * <pre>
 * direct:kafka-enqueue        (kafka-enqueue)        body List&lt;Message&gt; (QueuedEvent JSON, key requestId/index)
 *   → kafka:{topic} acks=all, synchronous, one producer call for the whole list  (step kafka-queue-publish)
 * kafka:{topic}               (kafka-queue-consumer) group {group-id}, batching, manual commit
 *   → kafkaPollProcessor.queuePoll: each record → direct:offer-to-rules → … → direct:tiktok-deliver;
 *     commit after every event is delivered / deduplicated / dead-lettered
 * kafka:{ingest-topic}        (kafka-ingest-consumer, only when forwarder.kafka.ingest-topic is set)
 *   → kafkaPollProcessor.ingestPoll (records in any shape the HTTP ingest accepts)
 * direct:kafka-dead-letter    (kafka-dead-letter)    → kafka:{dead-letter-topic} acks=all, synchronous (step kafka-dead-letter-publish)
 * direct:kafka-dedup-publish  (kafka-dedup-publish)  → kafka:{dedup-topic} (step kafka-dedup-key-publish)
 * </pre>
 *
 * <p>At start the topics are created when missing (queue and ingest topics with {@code forwarder.kafka.partitions}
 * partitions, the dedup topic compacted) and the dedup store ({@link KafkaDedupRepository}) reads its topic.
 * The consumers start last and stop first (startup order 100/101), so on a graceful stop no new poll begins
 * while the delivery stage flushes the open batches of the current one.
 */
@ApplicationScoped
public class KafkaQueueRoutes extends RouteBuilder {

    private static final Logger LOG = Logger.getLogger(KafkaQueueRoutes.class);

    /** Route publishing a request's events to the queue topic. */
    public static final String ENQUEUE = "direct:kafka-enqueue";

    @Inject
    KafkaSettings kafka;

    @Inject
    KafkaPollProcessor polls;

    @Inject
    KafkaDedupRepository dedup;

    /** Builds the Kafka routes in Kafka mode; nothing otherwise. */
    @Override
    public void configure() throws Exception {
        if (!kafka.enabled()) {
            return;
        }
        createTopics();
        getContext().addService(dedup.create());

        String producerOptions = kafka.brokersOption() + "&requestRequiredAcks=all&enableIdempotence=true&synchronous=true"
                + "&maxBlockMs=" + kafka.sendTimeoutMs() + "&requestTimeoutMs=" + (kafka.sendTimeoutMs() / 2)
                + "&deliveryTimeoutMs=" + kafka.sendTimeoutMs() + "&lingerMs=2";

        from(ENQUEUE).routeId("kafka-enqueue").startupOrder(60)
                .errorHandler(noErrorHandler())
                .to("kafka:" + kafka.topic() + "?" + producerOptions).id("kafka-queue-publish");

        from(DeadLetterStore.KAFKA_DEAD_LETTERS).routeId("kafka-dead-letter").startupOrder(61)
                .errorHandler(noErrorHandler())
                .to("kafka:" + kafka.deadLetterTopic() + "?" + producerOptions).id("kafka-dead-letter-publish");

        from(KafkaDedupRepository.PUBLISH).routeId("kafka-dedup-publish").startupOrder(62)
                .errorHandler(noErrorHandler())
                .to("kafka:" + kafka.dedupTopic() + "?" + kafka.brokersOption()
                        + "&requestRequiredAcks=1&enableIdempotence=false&lingerMs=5&valueSerializer="
                        + "org.apache.kafka.common.serialization.StringSerializer").id("kafka-dedup-key-publish");

        from(consumerUri(kafka.topic())).routeId("kafka-queue-consumer").startupOrder(100)
                .bean(polls, "queuePoll").id("process-queue-poll");

        kafka.ingestTopic().ifPresent(topic -> from(consumerUri(topic)).routeId("kafka-ingest-consumer").startupOrder(101)
                .bean(polls, "ingestPoll").id("process-ingest-poll"));
    }

    private String consumerUri(String topic) {
        return "kafka:" + topic + "?" + kafka.brokersOption() + "&groupId=" + kafka.groupId()
                + "&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true"
                + "&batching=true&maxPollRecords=" + kafka.maxPollRecords() + "&pollTimeoutMs=500&batchingIntervalMs=500"
                + "&consumersCount=" + kafka.consumers() + "&sessionTimeoutMs=" + kafka.sessionTimeoutMs()
                + "&heartbeatIntervalMs=" + Math.max(500, kafka.sessionTimeoutMs() / 5)
                + "&maxPollIntervalMs=" + kafka.maxPollIntervalMs()
                + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer";
    }

    /** Creates missing topics; existing ones are left as they are. */
    private void createTopics() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (AdminClient admin = AdminClient.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            short rf = kafka.replicationFactor();
            if (!existing.contains(kafka.topic())) {
                missing.add(new NewTopic(kafka.topic(), kafka.partitions(), rf));
            }
            kafka.ingestTopic().filter(t -> !existing.contains(t))
                    .ifPresent(t -> missing.add(new NewTopic(t, kafka.partitions(), rf)));
            if (!existing.contains(kafka.deadLetterTopic())) {
                missing.add(new NewTopic(kafka.deadLetterTopic(), 1, rf));
            }
            if (!existing.contains(kafka.dedupTopic())) {
                missing.add(new NewTopic(kafka.dedupTopic(), 1, rf)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    // another instance created them at the same time
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
                LOG.infof("Created Kafka topics %s", missing.stream().map(NewTopic::name).toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka mode: cannot reach the brokers " + kafka.bootstrapServers()
                    + " to create the topics: " + e.getMessage(), e);
        }
        LOG.infof("Kafka mode: queue topic %s, group %s, dead letters %s, dedup %s%s", kafka.topic(), kafka.groupId(),
                kafka.deadLetterTopic(), kafka.dedupTopic(),
                kafka.ingestTopic().map(t -> ", ingest topic " + t).orElse(""));
    }
}
