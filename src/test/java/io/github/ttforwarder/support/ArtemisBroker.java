package io.github.ttforwarder.support;

import java.nio.file.Path;

import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * A real ActiveMQ Artemis broker (2.44, from Maven artifacts, no Docker) embedded in the test JVM, speaking AMQP 1.0
 * and Core on one free loopback port; persistence off (only the forwarder is killed in the tests, never the
 * broker). Queues are created on first use; a message is redelivered at most 10 times, then moved to the queue {@code DLQ.<queue>} on address {@code DLQ}.
 * The tests send with Qpid JMS, the client the forwarder uses.
 */
public final class ArtemisBroker implements AutoCloseable {

    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final int port = KafkaBrokerProcess.freePort();

    /**
     * @param dir folder for the broker's (unused) journal paths
     * @return this, started
     */
    public ArtemisBroker start(Path dir) throws Exception {
        Configuration cfg = new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP,CORE")
                .addAddressSetting("#", new AddressSettings().setMaxDeliveryAttempts(10)
                        .setDeadLetterAddress(SimpleString.of("DLQ")).setAutoCreateDeadLetterResources(true)
                        .setAutoCreateQueues(true).setAutoCreateAddresses(true));
        server.setConfiguration(cfg);
        server.start();
        return this;
    }

    /** @return {@code amqp://127.0.0.1:<port>} */
    public String amqpUrl() {
        return "amqp://127.0.0.1:" + port;
    }

    /**
     * Sends text messages to a queue (AMQP, transacted, committed every 500).
     *
     * @param queue  queue name
     * @param bodies message bodies
     */
    public void send(String queue, Iterable<String> bodies) throws Exception {
        try (Connection c = new JmsConnectionFactory(amqpUrl()).createConnection();
                Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
            MessageProducer p = s.createProducer(s.createQueue(queue));
            int n = 0;
            for (String b : bodies) {
                p.send(s.createTextMessage(b));
                if (++n % 500 == 0) {
                    s.commit();
                }
            }
            s.commit();
        }
    }

    /** @return messages on the queue not yet acknowledged (delivering ones included), 0 when it does not exist */
    public long messageCount(String queue) {
        Queue q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
