package io.github.ttforwarder.queue;

/**
 * Kafka did not acknowledge the events of an HTTP request in time (broker down, topic missing, timeout). The
 * request is answered {@code 503} and the client should send it again; events of the request that Kafka did
 * acknowledge may then be processed twice (at-least-once; TikTok drops repeats by {@code event_id}).
 */
public class QueueUnavailableException extends RuntimeException {

    /**
     * @param message what failed (no personal data)
     * @param cause   the Kafka client's error
     */
    public QueueUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
