package io.github.ttforwarder.websdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Relays a Web SDK request unchanged to the Adobe Edge ({@code forwarder.websdk.upstream}) with the JDK HTTP client.
 *
 * <p>Sent: {@code POST <upstream><the same path>?<the same query>} with the same body and the headers that matter to
 * Adobe ({@code Content-Type}, {@code Cookie} without the forwarder's own {@code _ttp} / {@code ttclid},
 * {@code User-Agent}, {@code Origin}, {@code Referer}, {@code Accept}, {@code Accept-Language}) plus
 * {@code X-Forwarded-For: <client IP>}. Kept from Adobe's answer: status, body and the headers in {@link #KEEP};
 * {@code Set-Cookie} loses its {@code Domain} (Adobe's domain is not ours) and gets the configured cookie domain.
 */
@ApplicationScoped
public class AdobeRelay {

    /** Request headers relayed as they came. */
    static final List<String> SEND = List.of("Content-Type", "User-Agent", "Origin", "Referer", "Accept", "Accept-Language");
    /** Adobe response headers kept (besides Set-Cookie). */
    static final List<String> KEEP = List.of("Content-Type", "Cache-Control", "Retry-After", "x-request-id", "x-adobe-edge",
            "x-konductor");

    /** Adobe's answer. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param upstream the Adobe Edge base URL
     * @param path     the request path ({@code /ee[/hint]/v1/...})
     * @param rawQuery the raw query, may be null
     * @param headers  header name → value of the inbound request (names as in {@link #SEND}, plus {@code Cookie})
     * @param clientIp the client's IP, may be null
     * @param body     the raw body
     * @param timeout  how long to wait for the whole answer
     * @return Adobe's answer; completes exceptionally on a network error or timeout
     */
    public CompletableFuture<Response> relay(URI upstream, String path, String rawQuery, Map<String, String> headers,
            String clientIp, byte[] body, Duration timeout) {
        URI target = URI.create(upstream.toString() + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : body));
        for (String name : SEND) {
            String v = headers.get(name);
            if (v != null) {
                b.header(name, v);
            }
        }
        String cookie = withoutOwnCookies(headers.get("Cookie"));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (clientIp != null) {
            b.header("X-Forwarded-For", clientIp);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Response(r.statusCode(), r.headers().map(), r.body()));
    }

    /** @return the Cookie header without {@code _ttp} and {@code ttclid}, or null when nothing is left. */
    static String withoutOwnCookies(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (!p.isEmpty() && !p.startsWith("_ttp=") && !p.startsWith("ttclid=")) {
                kept.add(p);
            }
        }
        return kept.isEmpty() ? null : String.join("; ", kept);
    }

    /** @return a Set-Cookie value with its Domain attribute replaced by {@code domain} (empty: removed, host-only). */
    static String rewriteDomain(String setCookie, String domain) {
        StringBuilder out = new StringBuilder();
        for (String part : setCookie.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("domain=")) {
                continue;
            }
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(p);
        }
        if (domain != null && !domain.isEmpty()) {
            out.append("; Domain=").append(domain);
        }
        return out.toString();
    }
}
