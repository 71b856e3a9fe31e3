package io.github.ttforwarder.transport;

/**
 * A bus message (or file) that cannot be read whole as events: nothing of it was forwarded. Acknowledged consumers
 * roll the message back (the broker's redelivery policy ends it in its dead-letter queue); local files are moved to
 * the endpoint's error folder with a reason file. The message names places and reasons, never the content.
 */
public class UnreadableMessageException extends RuntimeException {

    /** @param message what cannot be read, where */
    public UnreadableMessageException(String message) {
        super(message, null, false, false);
    }
}
