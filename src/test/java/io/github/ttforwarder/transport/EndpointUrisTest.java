package io.github.ttforwarder.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The forwarder's consumer defaults: acknowledged after processing, never overriding what the user wrote. */
class EndpointUrisTest {

    @Test
    void jmsIsTransactedPerMessageUnlessTheUserChoseAnAckMode() {
        assertEquals("jms:queue:events?transacted=true&lazyCreateTransactionManager=false&concurrentConsumers=10"
                + "&errorHandlerLogStackTrace=false", EndpointUris.withDefaults("k", "jms:queue:events"));
        assertEquals("jms:queue:events?acknowledgementModeName=CLIENT_ACKNOWLEDGE&concurrentConsumers=50"
                + "&errorHandlerLogStackTrace=false",
                EndpointUris.withDefaults("k", "jms:queue:events?acknowledgementModeName=CLIENT_ACKNOWLEDGE&concurrentConsumers=50"));
    }

    @Test
    void filesMoveToDoneAndWaitUntilWritten() {
        assertEquals("file:/data/in?move=.done&readLock=changed", EndpointUris.withDefaults("k", "file:/data/in"));
        assertEquals("file:in?delete=true&readLock=rename", EndpointUris.withDefaults("k", "file:in?delete=true&readLock=rename"));
        assertThrows(IllegalArgumentException.class, () -> EndpointUris.withDefaults("k", "file:in?moveFailed=.bad"));
        assertEquals("sftp:host/in?move=.done&moveFailed=.error", EndpointUris.withDefaults("k", "sftp:host/in"));
    }

    @Test
    void othersAsWritten() {
        assertEquals("kafka:t?brokers=b:9092&breakOnFirstError=true", EndpointUris.withDefaults("k", "kafka:t?brokers=b:9092"));
        assertEquals("timer:x?period=1000", EndpointUris.withDefaults("k", "timer:x?period=1000"));
        assertThrows(IllegalArgumentException.class, () -> EndpointUris.withDefaults("k", "not a uri"));
    }
}
