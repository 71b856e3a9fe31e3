package io.github.ttforwarder.websdk;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

import io.github.ttforwarder.ingest.ClientIpResolver;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.Values;
import io.github.ttforwarder.queue.QueueUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;

/**
 * The forwarder as the Adobe Web SDK's first-party edge: three Camel steps on the {@code /ee[/<hint>]/v1/*} routes
 * (Web SDK paths only; every other request passes untouched).
 *
 * <ol>
 * <li>{@link #capture} (first, while the request headers are still there): a repeated {@code requestId} gets the
 *     earlier answer and stops here ({@link RequestIdCache}); else it reads cookies, {@code meta.state.entries} and
 *     the consent, finds the org id and the ECID (identity cookie, {@code meta.state.entries}, {@code AMCV_} cookie,
 *     {@code identityMap.ECID}, else a new one), mints a first-party {@code _ttp} when the browser has none, and builds
 *     the response handles ({@code identity:result}, {@code state:store}); with a relay it sends the request to
 *     Adobe at once.</li>
 * <li>{@link #gate} (after the body reader): withholds the events the visitor's consent or the event's XDM
 *     {@code consents} refuse (counted: {@code forwarder.websdk.events.withheld}) and the events of a retried request
 *     already forwarded; gives events without a ttclid the first-party {@code ttclid} cookie's value
 *     ({@code data.tiktok.ttclid}).</li>
 * <li>{@link #answer} (after the answer was written): takes Adobe's answer when relaying, adds the first-party cookies
 *     ({@code Set-Cookie}) and remembers the answer for the SDK's retries.</li>
 * </ol>
 */
@ApplicationScoped
@Named("webSdkEdge")
public class WebSdkEdge {

    private static final Logger LOG = Logger.getLogger(WebSdkEdge.class);

    /** Exchange property: the {@link Call} of a Web SDK request. */
    public static final String CALL = "ForwarderWebSdkCall";
    /** Exchange property: the {@code handle} array of the answer (list of maps); absent → empty. */
    public static final String HANDLES = "ForwarderWebSdkHandles";

    static final Pattern PATH = Pattern.compile("/ee(?:/([^/]+))?/v1/(interact|collect|identity/acquire|privacy/set-consent)");
    static final long IDENTITY_MAX_AGE = 34_128_000L;
    static final long CONSENT_MAX_AGE = 15_552_000L;
    private static final Pattern KNDCTR = Pattern.compile("kndctr_(.+)_(identity|consent|cluster)");
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What one Web SDK request carried and what the answer must add. */
    public static final class Call {
        String kind;
        String path;
        String rawQuery;
        String configId;
        String requestId;
        JsonNode root;
        byte[] body;
        boolean secure;
        boolean cookiesAllowed;
        Consent consent;
        boolean mayTrack;
        String ttclidCookie;
        final List<String> setCookies = new ArrayList<>();
        RequestIdCache.Entry entry;
        volatile boolean completed;
        boolean alreadyForwarded;
        boolean released;
        CompletableFuture<AdobeRelay.Response> relay;

        /** @return the visitor's consent for this request (never null). */
        public Consent consent() {
            return consent;
        }
    }

    private final WebSdkSettings settings;
    private final ClientIpResolver ipResolver;
    private final AdobeRelay relay;
    private final ObjectMapper mapper;
    private final RequestIdCache requests;
    private final Map<String, Counter> withheld = new ConcurrentHashMap<>();
    private final Counter repeats;
    private final Map<String, Counter> relayed = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Set<String> warnedNoOrg = ConcurrentHashMap.newKeySet();

    public WebSdkEdge(WebSdkSettings settings, ClientIpResolver ipResolver, AdobeRelay relay, ObjectMapper mapper,
            MeterRegistry registry) {
        this.settings = settings;
        this.ipResolver = ipResolver;
        this.relay = relay;
        this.mapper = mapper;
        this.registry = registry;
        this.requests = new RequestIdCache(settings.cacheMaxEntries(), settings.cacheTtl(), Duration.ofSeconds(10));
        this.repeats = Counter.builder("forwarder.websdk.requests.repeated")
                .description("Web SDK requests that repeated a requestId (SDK retries): answered again, nothing forwarded twice")
                .register(registry);
    }

    // ---------------------------------------------------------------- step 1

    /** Camel step, before the request context is taken: see the class comment. */
    public void capture(Exchange exchange) {
        Message m = exchange.getMessage();
        String path = header(m, Exchange.HTTP_PATH);
        Matcher matcher = path == null ? null : PATH.matcher(path);
        if (matcher == null || !matcher.matches()) {
            return;
        }
        Call call = new Call();
        call.kind = matcher.group(2);
        call.path = path;
        call.rawQuery = header(m, Exchange.HTTP_RAW_QUERY);
        call.configId = header(m, "configId");
        call.requestId = header(m, "requestId");
        if (call.requestId != null && !call.requestId.isBlank() && call.requestId.length() <= 128) {
            RequestIdCache.Claim claim = requests.claim(call.kind + '|' + call.configId + '|' + call.requestId);
            if (claim.replay() != null) {
                repeats.increment();
                replay(m, claim.replay());
                exchange.setRouteStop(true);
                return;
            }
            if (claim.alreadyForwarded()) {
                repeats.increment();
            }
            call.entry = claim.entry();
            call.alreadyForwarded = claim.alreadyForwarded();
            // whatever way the exchange ends (an answer written by another step, a refusal, an error), a retry of
            // this requestId must not wait for it: the entry is completed (non-final) if answer() did not run
            exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    if (!call.completed) {
                        call.completed = true;
                        RequestIdCache.complete(call.entry, null, call.released);
                    }
                }
            });
        }
        exchange.setProperty(CALL, call);
        call.body = m.getBody(byte[].class);
        m.setBody(call.body);       // converted once; the body reader reads the same bytes
        try {
            call.root = call.body == null || call.body.length == 0 ? null : mapper.readTree(call.body);
        } catch (java.io.IOException e) {
            call.root = null;       // the body reader answers 400
        }
        JsonNode meta = call.root == null ? null : call.root.path("meta");
        String peer = peer(m);
        call.secure = isHttps(m) || (ipResolver.isTrusted(peer) && forwardedHttps(m));
        call.cookiesAllowed = settings.cookiesEnabled()
                && (meta == null || !meta.path("state").path("cookiesEnabled").isBoolean()
                        || meta.path("state").path("cookiesEnabled").asBoolean());

        // cookies: meta.state.entries (the SDK copies its kndctr_* cookies there), the Cookie header wins
        Map<String, String> cookies = new HashMap<>();
        if (meta != null) {
            for (JsonNode e : meta.path("state").path("entries")) {
                if (e.path("key").isTextual() && e.path("value").isTextual()) {
                    cookies.put(e.path("key").asText(), e.path("value").asText());
                }
            }
        }
        String cookieHeader = header(m, "Cookie");
        if (cookieHeader != null) {
            for (io.netty.handler.codec.http.cookie.Cookie c : ServerCookieDecoder.LAX.decode(cookieHeader)) {
                cookies.put(c.name(), c.value());
            }
        }
        String cookieOrg = cookieOrg(call.configId, cookies);

        // consent: this request's setConsent or meta.consent, else the consent cookie, else the default
        Consent requested = call.root == null ? null
                : Consent.ofRequest(call.kind.equals("privacy/set-consent") ? call.root.path("consent") : meta.path("consent"));
        Consent stored = cookieOrg == null ? null : Consent.ofCookie(cookies.get(AdobeIdentity.cookieName(cookieOrg, "consent")));
        call.consent = requested != null ? requested : stored != null ? stored : settings.defaultConsent();
        call.mayTrack = call.consent == Consent.IN || (call.consent == Consent.PENDING && settings.sendPending());

        // first-party TikTok cookies
        String ttp = cookies.get("_ttp");
        if (ttp != null && !validCookieValue(ttp)) {
            ttp = null;
        }
        if (ttp == null && call.mayTrack && call.cookiesAllowed) {
            ttp = mintTtp();
            call.setCookies.add(cookie("_ttp", ttp, settings.ttpMaxAge(), false, call.secure));
            // the request context reads _ttp from the Cookie header: the minted one is this request's cookie
            m.setHeader("Cookie", cookieHeader == null ? "_ttp=" + ttp : cookieHeader + "; _ttp=" + ttp);
        }
        String ttclid = validCookieValue(cookies.get("ttclid")) ? cookies.get("ttclid") : null;
        String landing = landingTtclid(call.root);
        if (landing != null && call.mayTrack && call.cookiesAllowed && !landing.equals(ttclid)) {
            call.setCookies.add(cookie("ttclid", landing, settings.ttclidMaxAge(), true, call.secure));
        }
        call.ttclidCookie = landing != null ? landing : ttclid;

        URI upstream = settings.upstream(call.configId);
        if (upstream != null) {
            Map<String, String> headers = new HashMap<>();
            for (String name : AdobeRelay.SEND) {
                String v = header(m, name);
                if (v != null) {
                    headers.put(name, v);
                }
            }
            if (cookieHeader != null) {
                headers.put("Cookie", cookieHeader);
            }
            String clientIp = ipResolver.resolve(peer, header(m, "X-Forwarded-For"), header(m, "Forwarded"));
            call.relay = relay.relay(upstream, call.path, call.rawQuery, headers, clientIp, call.body, settings.upstreamTimeout());
            return;
        }
        exchange.setProperty(HANDLES, handles(call, cookieOrg, cookies, requested));
    }

    /** The answer's handles: identity:result, and state:store for the identity (and, on setConsent, consent) cookie. */
    private List<Map<String, Object>> handles(Call call, String cookieOrg, Map<String, String> cookies, Consent requested) {
        String ecid = null;
        String identityValue = null;
        if (cookieOrg != null) {
            identityValue = cookies.get(AdobeIdentity.cookieName(cookieOrg, "identity"));
            ecid = AdobeIdentity.decodeCookie(identityValue);
        }
        if (ecid == null) {
            for (Map.Entry<String, String> c : cookies.entrySet()) {
                if (c.getKey().startsWith("AMCV_") && c.getValue() != null) {
                    String[] parts = c.getValue().replace("%7C", "|").replace("%7c", "|").split("\\|");
                    for (int i = 0; i + 1 < parts.length; i++) {
                        if (parts[i].equals("MCMID") && AdobeIdentity.isEcid(parts[i + 1])) {
                            ecid = parts[i + 1];
                        }
                    }
                }
            }
        }
        if (ecid == null && call.root != null) {
            for (JsonNode event : call.root.path("events")) {
                for (JsonNode id : event.path("xdm").path("identityMap").path("ECID")) {
                    if (ecid == null && AdobeIdentity.isEcid(id.path("id").asText(null))) {
                        ecid = id.path("id").asText();
                    }
                }
            }
        }
        if (ecid == null) {
            ecid = AdobeIdentity.mintEcid();
        }
        if (!ecid.equals(AdobeIdentity.decodeCookie(identityValue))) {
            identityValue = AdobeIdentity.encodeCookie(ecid, System.currentTimeMillis() / 1000);
        }
        List<Map<String, Object>> handles = new ArrayList<>(2);
        handles.add(Map.of("type", "identity:result",
                "payload", List.of(Map.of("id", ecid, "namespace", Map.of("code", "ECID")))));
        if (cookieOrg == null) {
            if (warnedNoOrg.add(String.valueOf(call.configId))) {
                LOG.warnf("Web SDK datastream %s: no org id configured (forwarder.websdk.datastreams.<configId>.org-id or "
                        + "forwarder.websdk.org-id) and none in the browser's cookies: the identity cookie cannot be named, "
                        + "so the SDK will send its requests one at a time", call.configId);
            }
            return handles;
        }
        List<Map<String, Object>> store = new ArrayList<>(2);
        store.add(stateEntry(AdobeIdentity.cookieName(cookieOrg, "identity"), identityValue, IDENTITY_MAX_AGE));
        if (call.kind.equals("privacy/set-consent")) {
            Consent c = requested != null ? requested : call.consent;
            store.add(stateEntry(AdobeIdentity.cookieName(cookieOrg, "consent"), "general=" + c.general(), CONSENT_MAX_AGE));
        }
        handles.add(Map.of("type", "state:store", "payload", store));
        return handles;
    }

    private static Map<String, Object> stateEntry(String key, String value, long maxAge) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("key", key);
        e.put("value", value);
        e.put("maxAge", maxAge);
        e.put("attrs", Map.of("SameSite", "None"));
        return e;
    }

    /** The org as in cookie names: configured for the datastream, else from the browser's kndctr_* cookie names. */
    private String cookieOrg(String configId, Map<String, String> cookies) {
        String org = settings.orgId(configId);
        if (org != null) {
            return AdobeIdentity.cookieOrg(org);
        }
        String found = null;
        for (String name : cookies.keySet()) {
            Matcher k = KNDCTR.matcher(name);
            if (k.matches() && (found == null || k.group(2).equals("identity"))) {
                found = k.group(1);
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- step 2

    /** Camel step, after the body reader (body: {@code List<InboundEvent>}): see the class comment. */
    @SuppressWarnings("unchecked")
    public void gate(Exchange exchange) {
        Call call = exchange.getProperty(CALL, Call.class);
        if (call == null) {
            return;
        }
        List<InboundEvent> events = exchange.getMessage().getBody(List.class);
        if (events == null) {
            return;
        }
        if (call.alreadyForwarded) {
            exchange.getMessage().setBody(new ArrayList<InboundEvent>());
            return;
        }
        List<InboundEvent> kept = new ArrayList<>(events.size());
        for (InboundEvent e : events) {
            String reason = withholdReason(call, e);
            if (reason != null) {
                withheld.computeIfAbsent(reason, r -> Counter.builder("forwarder.websdk.events.withheld")
                        .description("Web SDK events not sent to TikTok because of consent (not an error)")
                        .tag("reason", r).register(registry)).increment();
                continue;
            }
            if (call.ttclidCookie != null && e.format() == InboundEvent.Format.XDM && !hasTtclid(e.body())) {
                addTtclid(e.body(), call.ttclidCookie);
            }
            kept.add(e);
        }
        call.released = true;
        exchange.getMessage().setBody(kept);
    }

    /** @return why the event must not reach TikTok ({@code consent-out}, {@code consent-pending}, {@code xdm-<field>}), or null. */
    private String withholdReason(Call call, InboundEvent e) {
        if (call.consent == Consent.OUT) {
            return "consent-out";
        }
        if (call.consent == Consent.PENDING && !settings.sendPending()) {
            return "consent-pending";
        }
        JsonNode consents = call.root == null ? null : call.root.path("events").path(e.index()).path("xdm").path("consents");
        for (String field : settings.xdmConsentFields()) {
            Consent c = Consent.ofXdm(consents, List.of(field));
            if (c == Consent.OUT || (c == Consent.PENDING && !settings.sendPending())) {
                return "xdm-" + field + (c == Consent.OUT ? "" : "-pending");
            }
        }
        return null;
    }

    private static boolean hasTtclid(Map<String, Object> body) {
        if (Values.text(body, "data", "tiktok", "ttclid") != null || Values.text(body, "data", "ttclid") != null) {
            return true;
        }
        Map<String, Object> xdm = Values.map(body, "xdm");
        if (xdm == null) {
            return false;
        }
        for (Map.Entry<String, Object> f : xdm.entrySet()) {
            if (f.getKey().startsWith("_") && Values.text(f.getValue(), "tiktok", "ttclid") != null) {
                return true;
            }
        }
        return queryParameter(Values.text(xdm, "web", "webPageDetails", "URL"), "ttclid") != null;
    }

    @SuppressWarnings("unchecked")
    private static void addTtclid(Map<String, Object> body, String ttclid) {
        Object data = body.get("data");
        if (!(data instanceof Map<?, ?>)) {
            data = new LinkedHashMap<String, Object>();
            body.put("data", data);
        }
        Map<String, Object> d = (Map<String, Object>) data;
        Object tiktok = d.get("tiktok");
        if (!(tiktok instanceof Map<?, ?>)) {
            tiktok = new LinkedHashMap<String, Object>();
            d.put("tiktok", tiktok);
        }
        ((Map<String, Object>) tiktok).put("ttclid", ttclid);
    }

    // ---------------------------------------------------------------- step 3

    /** Camel step, after the answer was written (also after an error answer): see the class comment. */
    public void answer(Exchange exchange) {
        Call call = exchange.getProperty(CALL, Call.class);
        if (call == null) {
            return;
        }
        exchange.removeProperty(CALL);
        Message m = exchange.getMessage();
        if (call.relay != null) {
            relayed(m, call);
        }
        if (!call.setCookies.isEmpty()) {
            List<String> all = new ArrayList<>();
            Object existing = m.getHeader("Set-Cookie");
            if (existing instanceof List<?> l) {
                l.forEach(v -> all.add(String.valueOf(v)));
            } else if (existing != null) {
                all.add(existing.toString());
            }
            all.addAll(call.setCookies);
            m.setHeader("Set-Cookie", all);
        }
        if (m.getHeader("Cache-Control") == null) {
            m.setHeader("Cache-Control", "no-cache, no-store, max-age=0, no-transform, private");
        }
        if (call.entry != null) {
            Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            int s = status == null ? 200 : status;
            boolean forwarded = call.released
                    && !(exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof QueueUnavailableException);
            RequestIdCache.Answer answer = null;
            if (RequestIdCache.isFinal(s)) {
                Map<String, Object> headers = new LinkedHashMap<>();
                for (Map.Entry<String, Object> h : m.getHeaders().entrySet()) {
                    if (!h.getKey().startsWith("Camel") || h.getKey().equals(Exchange.CONTENT_TYPE)) {
                        headers.put(h.getKey(), RequestIdCache.copy(h.getValue()));
                    }
                }
                answer = new RequestIdCache.Answer(s, headers, m.getBody(byte[].class));
            }
            call.completed = true;
            RequestIdCache.complete(call.entry, answer, forwarded);
        }
    }

    /** Replaces the answer with Adobe's (or a 502 when Adobe did not answer). */
    private void relayed(Message m, Call call) {
        AdobeRelay.Response r;
        try {
            r = call.relay.get(settings.upstreamTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            counter("ok").increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = null;
        } catch (Exception e) {
            r = null;
        }
        m.getHeaders().keySet().removeIf(k -> !k.equals("X-Request-Id"));
        if (r == null) {
            counter("failed").increment();
            LOG.warnf("Web SDK relay: the Adobe Edge (%s) did not answer request %s in time; answering 502",
                    settings.upstream(call.configId), call.requestId);
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 502);
            m.setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
            m.setHeader("Retry-After", "1");
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("type", "about:blank");
            p.put("title", "Bad Gateway");
            p.put("status", 502);
            p.put("detail", "the Adobe Edge did not answer; send the request again (events already forwarded are not sent twice)");
            p.put("requestId", call.requestId);
            try {
                m.setBody(mapper.writeValueAsBytes(p));
            } catch (JsonProcessingException e) {
                m.setBody(null);
            }
            return;
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, r.status());
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            for (String keep : AdobeRelay.KEEP) {
                if (keep.equalsIgnoreCase(h.getKey()) && !h.getValue().isEmpty()) {
                    m.setHeader(keep.equals("Content-Type") ? Exchange.CONTENT_TYPE : keep, h.getValue().get(0));
                }
            }
            if (h.getKey().equalsIgnoreCase("Set-Cookie")) {
                List<String> cookies = new ArrayList<>();
                for (String c : h.getValue()) {
                    cookies.add(AdobeRelay.rewriteDomain(c, settings.cookieDomain()));
                }
                call.setCookies.addAll(0, cookies);
            }
        }
        m.setBody(r.body() == null || r.body().length == 0 ? null : r.body());
    }

    private Counter counter(String outcome) {
        return relayed.computeIfAbsent(outcome, o -> Counter.builder("forwarder.websdk.relay")
                .description("Web SDK requests relayed to the Adobe Edge, by outcome").tag("outcome", o).register(registry));
    }

    private static void replay(Message m, RequestIdCache.Answer a) {
        m.getHeaders().clear();
        m.getHeaders().putAll(a.headers());
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, a.status());
        m.setBody(a.body());
    }

    // ---------------------------------------------------------------- helpers

    /** A first-party cookie: Path=/, Max-Age, the configured Domain; Secure + SameSite=None over HTTPS, else Lax. */
    String cookie(String name, String value, Duration maxAge, boolean httpOnly, boolean secure) {
        Cookie c = Cookie.cookie(name, value).setPath("/").setMaxAge(maxAge.toSeconds()).setHttpOnly(httpOnly);
        if (!settings.cookieDomain().isEmpty()) {
            c.setDomain(settings.cookieDomain());
        }
        if (secure) {
            c.setSecure(true).setSameSite(CookieSameSite.NONE);
        } else {
            c.setSameSite(CookieSameSite.LAX);
        }
        return c.encode();
    }

    /** @return a new {@code _ttp} value: 27 base62 characters (4-byte time + 16 random bytes, KSUID-like, as the pixel's). */
    static String mintTtp() {
        byte[] b = new byte[20];
        long t = System.currentTimeMillis() / 1000 - 1_400_000_000L;
        b[0] = (byte) (t >>> 24);
        b[1] = (byte) (t >>> 16);
        b[2] = (byte) (t >>> 8);
        b[3] = (byte) t;
        byte[] r = new byte[16];
        RANDOM.nextBytes(r);
        System.arraycopy(r, 0, b, 4, 16);
        java.math.BigInteger n = new java.math.BigInteger(1, b);
        char[] out = new char[27];
        java.math.BigInteger base = java.math.BigInteger.valueOf(62);
        for (int i = 26; i >= 0; i--) {
            java.math.BigInteger[] qr = n.divideAndRemainder(base);
            out[i] = BASE62[qr[1].intValue()];
            n = qr[0];
        }
        return new String(out);
    }

    /** @return true for a value a cookie may carry unquoted (RFC 6265 cookie-octets), at most 256 characters. */
    static boolean validCookieValue(String v) {
        if (v == null || v.isEmpty() || v.length() > 256) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** @return the ttclid of the first event page URL that has one, or null. */
    private static String landingTtclid(JsonNode root) {
        if (root == null) {
            return null;
        }
        for (JsonNode event : root.path("events")) {
            String v = queryParameter(event.path("xdm").path("web").path("webPageDetails").path("URL").asText(null), "ttclid");
            if (v != null && validCookieValue(v)) {
                return v;
            }
        }
        return null;
    }

    /** @return the URL-decoded {@code name} query parameter of a page URL (null-safe), or null. */
    static String queryParameter(String url, String name) {
        return url == null ? null : io.github.ttforwarder.mapping.UserContextMapper.queryParameter(url, name);
    }

    private static boolean isHttps(Message m) {
        if (m instanceof org.apache.camel.component.platform.http.vertx.HttpMessage hm && hm.getRequest() != null) {
            return hm.getRequest().isSSL();
        }
        String url = header(m, Exchange.HTTP_URL);
        return url != null && url.regionMatches(true, 0, "https:", 0, 6);
    }

    /** X-Forwarded-Proto (first value) or Forwarded proto= (first element) says https. */
    private static boolean forwardedHttps(Message m) {
        String xfp = header(m, "X-Forwarded-Proto");
        if (xfp != null) {
            return xfp.split(",")[0].trim().equalsIgnoreCase("https");
        }
        String fwd = header(m, "Forwarded");
        if (fwd != null) {
            for (String pair : fwd.split(",")[0].split(";")) {
                String p = pair.trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("proto=")) {
                    return p.substring(6).replace("\"", "").equals("https");
                }
            }
        }
        return false;
    }

    private static String peer(Message m) {
        Object remote = m.getHeader("CamelVertxPlatformHttpRemoteAddress");
        return remote instanceof io.vertx.core.net.SocketAddress sa ? sa.hostAddress() : null;
    }

    private static String header(Message m, String name) {
        Object v = m.getHeader(name);
        if (v instanceof List<?> list) {
            v = list.isEmpty() ? null : list.get(0);
        }
        return v == null ? null : v.toString();
    }
}
