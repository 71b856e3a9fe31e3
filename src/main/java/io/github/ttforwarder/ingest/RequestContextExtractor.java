package io.github.ttforwarder.ingest;

import java.util.Collections;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.RequestContext;
import io.vertx.core.net.SocketAddress;

/**
 * First step of every HTTP ingest route: captures the request context (client IP through
 * {@link ClientIpResolver}, User-Agent, the {@code _ttp} cookie, the Adobe {@code requestId} or a new one,
 * the receive time in seconds) into the exchange property {@value Headers#REQUEST_CONTEXT}, remembers
 * {@code silent=true}, then removes every inbound header, so that no client can set a rule's
 * {@code tiktok.*} override through an HTTP header or query parameter.
 */
@ApplicationScoped
@Named("requestContextExtractor")
public class RequestContextExtractor implements Processor {

    /** Exchange property: true when the client asked for {@code ?silent=true} (answer 204). */
    public static final String SILENT = "ForwarderSilent";

    private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";

    private final ClientIpResolver ipResolver;

    public RequestContextExtractor(ClientIpResolver ipResolver) {
        this.ipResolver = ipResolver;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String peer = null;
        Object remote = m.getHeader(REMOTE_ADDRESS);
        if (remote instanceof SocketAddress sa) {
            peer = sa.hostAddress();
        }
        String clientIp = ipResolver.resolve(peer, header(m, "X-Forwarded-For"), header(m, "Forwarded"));
        String requestId = header(m, "requestId");
        if (requestId == null || requestId.isBlank() || requestId.length() > 128) {
            requestId = UUID.randomUUID().toString();
        }
        String endpoint = m.getHeader(Exchange.HTTP_URI, String.class);
        if (endpoint != null && endpoint.indexOf('?') >= 0) {
            endpoint = endpoint.substring(0, endpoint.indexOf('?'));
        }
        RequestContext ctx = new RequestContext(requestId, endpoint, clientIp, header(m, "User-Agent"),
                cookie(header(m, "Cookie"), "_ttp"), System.currentTimeMillis() / 1000);
        exchange.setProperty(Headers.REQUEST_CONTEXT, ctx);
        exchange.setProperty(SILENT, "true".equalsIgnoreCase(header(m, "silent")));
        exchange.setProperty(Headers.OUTCOMES, Collections.synchronizedList(new java.util.ArrayList<EventOutcome>()));
        Object body = m.getBody();
        m.getHeaders().clear();
        m.setBody(body);
    }

    /** A header's value; the first one when it was sent several times. */
    private static String header(Message m, String name) {
        Object v = m.getHeader(name);
        if (v instanceof List<?> list) {
            v = list.isEmpty() ? null : list.get(0);
        }
        return v == null ? null : v.toString();
    }

    /** @return the value of cookie {@code name} in a {@code Cookie} header, or null. */
    static String cookie(String cookieHeader, String name) {
        if (cookieHeader == null) {
            return null;
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.startsWith(name) && p.length() > name.length() && p.charAt(name.length()) == '=') {
                String v = p.substring(name.length() + 1).trim();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }
}
