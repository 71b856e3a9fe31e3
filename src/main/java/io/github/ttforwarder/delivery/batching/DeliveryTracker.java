package io.github.ttforwarder.delivery.batching;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tracks the TikTok events produced from one poll of Kafka records (Kafka mode only) until each reached a
 * terminal state: delivered (TikTok code 0/20001 or dry run), deduplicated, or dead-lettered. The consumer
 * commits the poll's offsets only after {@link #await} returned normally — at-least-once delivery.
 *
 * <p>Use: the consumer creates one tracker and puts it on every exchange it sends into the pipeline (exchange
 * property {@value #PROPERTY}); {@code deliveryIntake} calls {@link #register()} per event and keeps the
 * returned {@link Ticket} in the {@link BatchItem}; the delivery stage calls {@link Ticket#done()} (terminal
 * state) or {@link Ticket#abandon(String)} (not finished, e.g. the forwarder stops while a retry waits: the
 * offsets must not be committed). After sending every record the consumer calls {@link #seal()} and
 * {@link #await}. Thread-safe. In embedded mode no tracker exists and the tickets are null.
 */
public final class DeliveryTracker {

    /** Exchange property holding the tracker of the poll an event came from. */
    public static final String PROPERTY = "ForwarderDeliveryTracker";

    private final AtomicInteger open = new AtomicInteger(1); // the consumer's own token, released by seal()
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    /** One event's claim on the tracker; completing it twice has no effect. */
    public final class Ticket {
        private final AtomicBoolean closed = new AtomicBoolean();

        private Ticket() {
        }

        /** The event reached a terminal state (delivered, deduplicated or dead-lettered). */
        public void done() {
            if (closed.compareAndSet(false, true)) {
                release();
            }
        }

        /**
         * The event did not reach a terminal state and never will in this process: the poll fails and its
         * offsets stay uncommitted, so the records are consumed again (by this or another instance).
         *
         * @param why short reason for the log (no personal data)
         */
        public void abandon(String why) {
            if (closed.compareAndSet(false, true)) {
                finished.completeExceptionally(new IllegalStateException(why));
                release();
            }
        }
    }

    /** @return a ticket for one more event to wait for */
    public Ticket register() {
        open.incrementAndGet();
        return new Ticket();
    }

    /** No more events will be registered (releases the consumer's own token). Call once. */
    public void seal() {
        release();
    }

    private void release() {
        if (open.decrementAndGet() == 0) {
            finished.complete(null);
        }
    }

    /** @return events registered and not yet done (for logs and tests). */
    public int pending() {
        return Math.max(0, open.get() - (finished.isDone() ? 0 : 1));
    }

    /**
     * Waits until every registered event reached a terminal state.
     *
     * @param timeoutMs most ms to wait
     * @throws IllegalStateException when an event was abandoned, the wait timed out or was interrupted; the
     *                               caller must then not commit
     */
    public void await(long timeoutMs) {
        try {
            finished.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for deliveries", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(open.get() - 1 + " event(s) not delivered within " + timeoutMs + " ms");
        }
    }
}
