package io.github.ttforwarder.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * The explicit limits on an inbound request body (README "Bad input", docs/input.md). A body over a limit is
 * refused as a whole with an RFC 7807 problem naming the setting ({@link RequestLimitException}).
 *
 * @param maxBodyBytes    {@code forwarder.input.max-body-size}: bytes of one body (enforced by the HTTP server
 *                        as {@code quarkus.http.limits.max-body-size}, which the forwarder's value sets) → 413
 * @param maxDepth        {@code forwarder.input.max-nesting-depth}: nested objects/arrays → 400
 * @param maxNumberLength {@code forwarder.input.max-number-length}: characters of one JSON number → 400
 * @param maxStringLength {@code forwarder.input.max-string-length}: characters of one JSON string or key → 400
 * @param maxEvents       {@code forwarder.input.max-events}: events in one request → 413
 */
public record InputLimits(long maxBodyBytes, int maxDepth, int maxNumberLength, int maxStringLength, int maxEvents) {

    /** The shipped defaults (the same as in application.properties). */
    public static final InputLimits DEFAULTS = new InputLimits(64 * 1024, 32, 64, 16 * 1024, 1000);

    /**
     * @throws IllegalArgumentException when a limit is not positive
     */
    public InputLimits {
        if (maxBodyBytes <= 0 || maxDepth <= 0 || maxNumberLength <= 0 || maxStringLength <= 0 || maxEvents <= 0) {
            throw new IllegalArgumentException("forwarder.input.*: every limit must be greater than 0");
        }
    }

    /** Reads the limits from the configuration. */
    @ApplicationScoped
    public static class Producer {

        @Produces
        @Singleton
        InputLimits limits(
                @ConfigProperty(name = "forwarder.input.max-body-size", defaultValue = "64K") MemorySize body,
                @ConfigProperty(name = "forwarder.input.max-nesting-depth", defaultValue = "32") int depth,
                @ConfigProperty(name = "forwarder.input.max-number-length", defaultValue = "64") int number,
                @ConfigProperty(name = "forwarder.input.max-string-length", defaultValue = "16384") int string,
                @ConfigProperty(name = "forwarder.input.max-events", defaultValue = "1000") int events) {
            return new InputLimits(body.asLongValue(), depth, number, string, events);
        }
    }
}
