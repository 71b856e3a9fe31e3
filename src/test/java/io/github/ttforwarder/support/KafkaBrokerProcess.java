package io.github.ttforwarder.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, broker + controller) started from the Maven artifacts on the test
 * classpath ({@code org.apache.kafka:kafka_2.13}) in its OWN JVM — no Docker: {@code kafka.tools.StorageTool
 * format}, then {@code kafka.Kafka server.properties}, on free loopback ports with a temporary log dir,
 * replication factors 1 and no initial rebalance delay. Usable from plain JUnit tests and from
 * {@link KafkaBroker} (the Quarkus test resource). The broker's output goes to {@code <dir>/broker.log}.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private final Path dir;
    private Process process;
    private String bootstrapServers;

    /** @param dir working folder for server.properties, the log dir and broker.log (created if missing) */
    public KafkaBrokerProcess(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /**
     * Formats the storage, starts the broker and waits until it answers (AdminClient describeCluster).
     *
     * @return this
     * @throws IllegalStateException when the broker did not come up within 60 s
     */
    public KafkaBrokerProcess start() {
        try {
            Files.createDirectories(dir);
            int port = freePort();
            int controllerPort = freePort();
            Path logs = dir.resolve("kraft-logs");
            Path config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    "log.dirs=" + logs,
                    "num.partitions=1",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=3",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "group.min.session.timeout.ms=2000",
                    "auto.create.topics.enable=true",
                    "log.flush.interval.messages=1000000",
                    "") );
            Path log = dir.resolve("broker.log");
            String clusterId = Uuid.randomUuid().toString();
            Process format = java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("kafka StorageTool format failed; see " + log);
            }
            process = java("kafka.Kafka", config.toString()).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            bootstrapServers = "127.0.0.1:" + port;
            awaitReady(Duration.ofSeconds(60), log);
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Kafka broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    }

    /**
     * The test JVM's class path. Under surefire/failsafe it may be a manifest-only booter jar; {@code -cp} with it
     * still works because the JVM follows the jar manifest's Class-Path.
     */
    private static String classpath() {
        return System.getProperty("java.class.path");
    }

    private void awaitReady(Duration timeout, Path log) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see " + log);
            }
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            try (AdminClient admin = AdminClient.create(p)) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                admin.listTopics().names().get(3, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the Kafka broker did not answer within " + timeout + "; see " + log, last);
    }

    /** @return {@code 127.0.0.1:<port>} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Kills the broker (SIGKILL: the test data is thrown away anyway). */
    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return a free loopback port */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a new temporary folder under target/ for a broker */
    public static Path newDir() {
        return Path.of("target", "kafka-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    }

}
