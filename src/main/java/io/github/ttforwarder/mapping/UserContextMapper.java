package io.github.ttforwarder.mapping;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.github.ttforwarder.hashing.HashingBean;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.Values;

/**
 * Mapping, group 2 of 3: the user context ({@code user.*}) and the page ({@code page.url},
 * {@code page.referrer}). Personal data is normalised and SHA-256 hashed by {@link HashingBean} here;
 * nothing plain-text leaves this step.
 *
 * <p>Sources, first found wins (the rule's {@code tiktok.user.<field>} / {@code tiktok.page.<field>} header
 * always first; plain events: their {@code user.*} / {@code page.*}); XDM paths per adobe-edge-input.md §4:
 * <ul>
 * <li>{@code email} (hashed; string or array): {@code identityMap.Email[].id} (namespace matched
 *     case-insensitively), {@code identityMap.Email_LC_SHA256[].id} (already hashed)</li>
 * <li>{@code phone} (E.164, hashed): {@code identityMap.Phone[].id}, {@code identityMap.Phone_SHA256[].id};
 *     region for national numbers: {@code forwarder.phone.default-region}, else
 *     {@code xdm.placeContext.geo.countryCode}; an invalid number is left out with a warning</li>
 * <li>{@code external_id} (hashed): {@code identityMap.<ns>[].id} for the namespaces in
 *     {@code forwarder.identity.external-id-namespaces}</li>
 * <li>{@code ip}: {@code environment.ipV4}, {@code environment.ipV6}; only when the event has no IP field
 *     at all, the request's client IP. Normalised by {@link IpAddressNormalizer}; a value that is no public IP
 *     is left out with a warning</li>
 * <li>{@code user_agent}: {@code environment.browserDetails.userAgent}, else the request's User-Agent</li>
 * <li>{@code ttp}: {@code data.tiktok.ttp}, {@code data.ttp}, a tenant field {@code _<tenant>.tiktok.ttp},
 *     else the request's {@code _ttp} cookie</li>
 * <li>{@code ttclid}: {@code data.tiktok.ttclid}, {@code data.ttclid}, {@code _<tenant>.tiktok.ttclid}, else the
 *     {@code ttclid} query parameter of the page URL (URL-decoded)</li>
 * <li>{@code locale}: {@code environment.browserDetails.acceptLanguage} (first tag, as BCP-47)</li>
 * <li>{@code first_name}, {@code last_name}, {@code zip_code} (hashed): plain events and overrides only</li>
 * <li>{@code page.url}: {@code web.webPageDetails.URL}; {@code page.referrer}: {@code web.webReferrer.URL}
 *     (empty strings are left out)</li>
 * </ul>
 */
@ApplicationScoped
@Named("userContextMapper")
public class UserContextMapper implements Processor {

    private final HashingBean hashing;
    private final Set<String> externalIdNamespaces;

    public UserContextMapper(HashingBean hashing,
            @ConfigProperty(name = "forwarder.identity.external-id-namespaces") java.util.Optional<String> namespaces) {
        this.hashing = hashing;
        this.externalIdNamespaces = Arrays.stream(namespaces.orElse("").split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    @Override
    public void process(Exchange exchange) {
        map(exchange.getProperty(Headers.DRAFT, TikTokEventDraft.class));
    }

    void map(TikTokEventDraft d) {
        boolean xdm = d.isXdm();
        Map<String, Object> plainUser = xdm ? null : Values.map(d.source(), "user");
        Map<String, Object> identityMap = xdm ? Values.map(d.xdm(), "identityMap") : null;
        String region = xdm ? Values.text(d.xdm(), "placeContext", "geo", "countryCode") : null;
        ObjectNode user = d.user();

        // Page first: ttclid may come from its URL.
        String url = firstText(d, "page.url", xdm ? Values.get(d.xdm(), "web", "webPageDetails", "URL") : Values.get(d.source(), "page", "url"));
        if (url != null) {
            d.page().put("url", url);
        }
        String referrer = firstText(d, "page.referrer", xdm ? Values.get(d.xdm(), "web", "webReferrer", "URL") : Values.get(d.source(), "page", "referrer"));
        if (referrer != null) {
            d.page().put("referrer", referrer);
        }

        hashed(d, user, "email", xdm ? identities(identityMap, n -> n.equals("email")) : raw(plainUser, "email"),
                xdm ? identities(identityMap, n -> n.equals("email_lc_sha256")) : List.of(), hashing::hashEmail,
                "not an e-mail address");
        hashed(d, user, "phone", xdm ? identities(identityMap, n -> n.equals("phone")) : raw(plainUser, "phone"),
                xdm ? identities(identityMap, n -> n.equals("phone_sha256")) : List.of(),
                v -> hashing.hashPhone(v, region), "not a valid phone number");
        hashed(d, user, "external_id", xdm ? identities(identityMap, externalIdNamespaces::contains) : raw(plainUser, "external_id"),
                List.of(), hashing::hashExternalId, "empty");
        hashed(d, user, "first_name", raw(plainUser, "first_name"), List.of(), hashing::hashName, "empty");
        hashed(d, user, "last_name", raw(plainUser, "last_name"), List.of(), hashing::hashName, "empty");
        hashed(d, user, "zip_code", raw(plainUser, "zip_code"), List.of(), hashing::hashZip, "empty");

        // IP: the event's own field, else (only when it has none) the request's client IP.
        Object ip;
        if (d.hasOverride("user.ip")) {
            ip = d.override("user.ip");
        } else if (xdm) {
            Object v4 = Values.get(d.xdm(), "environment", "ipV4");
            Object v6 = Values.get(d.xdm(), "environment", "ipV6");
            String n4 = IpAddressNormalizer.normalise(Values.text(v4));
            ip = n4 != null ? n4 : v6 != null ? v6 : v4;
        } else {
            ip = plainUser == null ? null : plainUser.get("ip");
        }
        boolean fromRequest = ip == null;
        if (fromRequest) {
            ip = d.context().clientIp();
        }
        String ipText = Values.text(ip);
        if (ipText != null) {
            String normalised = IpAddressNormalizer.normalise(ipText);
            if (normalised != null) {
                user.put("ip", normalised);
            } else if (!fromRequest) {
                d.warn("user.ip", "not a public IPv4 or IPv6 address, left out");
            }
        }

        String ua = firstText(d, "user.user_agent", xdm ? Values.get(d.xdm(), "environment", "browserDetails", "userAgent")
                : Values.get(plainUser, "user_agent"));
        if (ua == null && !d.hasOverride("user.user_agent")) {
            ua = d.context().userAgent();
        }
        if (ua != null) {
            user.put("user_agent", ua);
        }

        String ttp = firstText(d, "user.ttp", xdm ? tiktokField(d, "ttp") : Values.get(plainUser, "ttp"));
        if (ttp == null && !d.hasOverride("user.ttp")) {
            ttp = d.context().ttpCookie();
        }
        if (ttp != null) {
            user.put("ttp", ttp);
        }

        String ttclid = firstText(d, "user.ttclid", xdm ? tiktokField(d, "ttclid") : Values.get(plainUser, "ttclid"));
        if (ttclid == null && !d.hasOverride("user.ttclid") && url != null) {
            ttclid = queryParameter(url, "ttclid");
        }
        if (ttclid != null) {
            user.put("ttclid", ttclid);
        }

        String locale = firstText(d, "user.locale", xdm ? Values.get(d.xdm(), "environment", "browserDetails", "acceptLanguage")
                : Values.get(plainUser, "locale"));
        if (locale != null) {
            String tag = locale(locale);
            if (tag != null) {
                user.put("locale", tag);
            }
        }

        if (user.isEmpty()) {
            d.event().remove("user");
        }
        if (d.event().has("page") && d.page().isEmpty()) {
            d.event().remove("page");
        }
    }

    /** Hashes one match-key field (string or array) into {@code user.<field>}: a string for one value, an array for several. */
    private void hashed(TikTokEventDraft d, ObjectNode user, String field, List<String> raw, List<String> alreadyHashed,
            Function<String, String> hasher, String invalidReason) {
        String path = "user." + field;
        List<String> values = d.hasOverride(path) ? strings(d.override(path)) : raw;
        List<String> hashes = new ArrayList<>(values.size() + alreadyHashed.size());
        int invalid = 0;
        for (String v : values) {
            String h = hasher.apply(v);
            if (h == null) {
                if (!v.isBlank()) {
                    invalid++;
                }
            } else if (!hashes.contains(h)) {
                hashes.add(h);
            }
        }
        if (!d.hasOverride(path)) {
            for (String v : alreadyHashed) {
                if (HashingBean.isSha256Hex(v.trim())) {
                    String h = v.trim().toLowerCase(Locale.ROOT);
                    if (!hashes.contains(h)) {
                        hashes.add(h);
                    }
                } else if (!v.isBlank()) {
                    invalid++;
                }
            }
        }
        if (invalid > 0) {
            d.warn(path, invalidReason + ", left out" + (invalid > 1 ? " (" + invalid + " values)" : ""));
        }
        if (hashes.size() == 1) {
            user.put(field, hashes.get(0));
        } else if (hashes.size() > 1) {
            ArrayNode array = user.putArray(field);
            hashes.forEach(array::add);
        }
    }

    /** The ids of identityMap namespaces whose lower-cased name passes the test. */
    private static List<String> identities(Map<String, Object> identityMap, java.util.function.Predicate<String> namespace) {
        if (identityMap == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        for (Map.Entry<String, Object> e : identityMap.entrySet()) {
            if (namespace.test(e.getKey().toLowerCase(Locale.ROOT))) {
                for (Object item : Values.list(e.getValue())) {
                    String id = Values.text(item, "id");
                    if (id != null) {
                        out.add(id);
                    }
                }
            }
        }
        return out;
    }

    private static List<String> raw(Map<String, Object> plainUser, String key) {
        return plainUser == null ? List.of() : strings(plainUser.get(key));
    }

    /** A string, a number or an array of them, as strings. */
    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                String s = Values.text(o);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }
        String s = Values.text(value);
        return s == null ? List.of() : List.of(s);
    }

    private static String firstText(TikTokEventDraft d, String path, Object fromEvent) {
        return d.hasOverride(path) ? Values.text(d.override(path)) : Values.text(fromEvent);
    }

    /** {@code data.tiktok.<name>}, {@code data.<name>}, then {@code xdm._<tenant>.tiktok.<name>}. */
    private static Object tiktokField(TikTokEventDraft d, String name) {
        Object v = Values.get(d.data(), "tiktok", name);
        if (Values.text(v) == null) {
            v = Values.get(d.data(), name);
        }
        if (Values.text(v) == null && d.xdm() != null) {
            for (Map.Entry<String, Object> e : d.xdm().entrySet()) {
                if (e.getKey().startsWith("_") && !e.getKey().equals("_id") && !e.getKey().equals("_experience")) {
                    Object t = Values.get(e.getValue(), "tiktok", name);
                    if (Values.text(t) != null) {
                        return t;
                    }
                }
            }
        }
        return v;
    }

    /**
     * @return the URL-decoded value of the first {@code name} query parameter of {@code url}, or null
     */
    public static String queryParameter(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        int end = url.indexOf('#', q);
        String query = end < 0 ? url.substring(q + 1) : url.substring(q + 1, end);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name) && eq >= 0) {
                try {
                    String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).trim();
                    return v.isEmpty() ? null : v;
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** First language tag of a locale or Accept-Language value, as BCP-47 ({@code en_US} → {@code en-US}). */
    static String locale(String value) {
        String first = value.split(",")[0];
        int semi = first.indexOf(';');
        if (semi >= 0) {
            first = first.substring(0, semi);
        }
        first = first.trim().replace('_', '-');
        if (first.isEmpty() || first.equals("*")) {
            return null;
        }
        Locale l = Locale.forLanguageTag(first);
        String tag = l.toLanguageTag();
        return tag.equals("und") ? null : tag;
    }

}
