package io.github.ttforwarder.delivery.sending;

import java.util.concurrent.TimeUnit;

/**
 * Spaces requests at most {@code permitsPerSecond} per second with no burst: the generic cell rate algorithm
 * (GCRA, a leaky bucket as a meter). Each {@link #reserve()} books the next free slot, {@code 1/rate} after the
 * previous one, and returns how long the caller must wait for it — so in every window of one second at most
 * {@code rate} requests start, whatever the number of callers. Guava's {@code RateLimiter} is not used because it
 * stores up to one second of unused permits and may then start up to twice the rate within one second.
 * Thread-safe.
 */
public final class RequestRateLimiter {

    private final long intervalNanos;
    private long next;

    /** @param permitsPerSecond most requests per second (≥ 1) */
    public RequestRateLimiter(double permitsPerSecond) {
        if (!(permitsPerSecond >= 1)) {
            throw new IllegalArgumentException("permitsPerSecond must be at least 1, was " + permitsPerSecond);
        }
        this.intervalNanos = (long) Math.ceil(TimeUnit.SECONDS.toNanos(1) / permitsPerSecond);
        this.next = System.nanoTime();
    }

    /** @return nanoseconds to wait before the reserved request may start (0: at once) */
    public synchronized long reserve() {
        return reserve(System.nanoTime());
    }

    /** Same as {@link #reserve()} at a given {@link System#nanoTime()} (tests). */
    synchronized long reserve(long now) {
        if (next - now < 0) {
            next = now;
        }
        long wait = next - now;
        next += intervalNanos;
        return wait;
    }

    /** Reserves a slot and parks the calling thread until it starts (a few ms at most under normal load). */
    public void acquire() {
        long wait = reserve();
        while (wait > 0) {
            long start = System.nanoTime();
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
            wait -= System.nanoTime() - start;
        }
    }
}
