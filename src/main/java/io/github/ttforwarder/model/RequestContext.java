package io.github.ttforwarder.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the forwarder knows about the HTTP request (or message) an event arrived in. It fills
 * {@code user.ip}, {@code user.user_agent} and {@code user.ttp} only when the event itself has no
 * such field.
 *
 * @param requestId     the request's id (Adobe's {@code requestId} query parameter when given, else a
 *                      generated UUID)
 * @param endpoint      the ingest endpoint, e.g. {@code /ee/v2/collect}, {@code /events}
 * @param clientIp      the client's IP literal (socket peer, or the trusted proxies' forwarded value),
 *                      not yet normalised; may be null
 * @param userAgent     the request's {@code User-Agent}; may be null
 * @param ttpCookie     the {@code _ttp} cookie the request carried (first-party Web SDK calls); may be null
 * @param receivedAt    when the request arrived, Unix time in <b>seconds</b>
 */
@RegisterForReflection
public record RequestContext(String requestId, String endpoint, String clientIp, String userAgent,
        String ttpCookie, long receivedAt) {
}
