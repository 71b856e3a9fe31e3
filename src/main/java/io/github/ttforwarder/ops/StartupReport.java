package io.github.ttforwarder.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * The start log an operator reads: one banner line (version, ports, where the status page and metrics are), one
 * line per pixel saying {@code live} or {@code dry run} and why (never the token), a warning for a
 * {@code TIKTOK_*}/{@code FORWARDER_*} environment variable that looks like a misspelling of one the forwarder reads
 * (the usual cause of an unintended dry run), and the {@code forwarder.require-live} check: with
 * {@code forwarder.require-live=true} the forwarder refuses to start (non-zero exit) while any pixel would run dry.
 * The rules are logged by {@link io.github.ttforwarder.rules.RuleRegistry} once Camel started.
 */
@ApplicationScoped
public class StartupReport {

    private static final Logger LOG = Logger.getLogger("io.github.ttforwarder");

    /** Environment variables the forwarder reads for pixels and tokens (compared against look-alikes). */
    private static final List<String> KNOWN_ENV = List.of("TIKTOK_PIXEL_CODE", "TIKTOK_ACCESS_TOKEN",
            "TIKTOK_API_BASE_URL", "TIKTOK_TEST_EVENT_CODE", "FORWARDER_REQUIRE_LIVE", "FORWARDER_DRY_RUN_FILE",
            "FORWARDER_LOG_JSON", "FORWARDER_QUEUE");

    @Inject
    PixelRegistry pixels;

    @Inject
    Config config;

    /**
     * Runs before the other start-up observers (the HTTP routes take traffic only after start-up completed).
     *
     * @throws IllegalStateException with {@code forwarder.require-live=true} when a pixel has no access token
     */
    void onStart(@Observes @Priority(10) StartupEvent event) {
        String version = config.getOptionalValue("quarkus.application.version", String.class).orElse("dev");
        LOG.infof("TikTok Event Forwarder %s: ingest http://%s:%s, management http://%s:%s (status page /, metrics /q/metrics, "
                + "health /q/health), queue %s", version,
                value("quarkus.http.host", "0.0.0.0"), value("quarkus.http.port", "8080"),
                value("quarkus.management.host", "127.0.0.1"), value("quarkus.management.port", "9000"),
                value("forwarder.queue", "embedded"));
        warnAboutLookAlikes(System.getenv());
        List<String> dry = new ArrayList<>();
        for (Pixel p : pixels.all().values()) {
            String line = describe(p);
            if (p.dryRun()) {
                dry.add(p.name());
                LOG.warn(line);
            } else {
                LOG.info(line);
            }
        }
        boolean requireLive = config.getOptionalValue("forwarder.require-live", Boolean.class).orElse(false);
        if (requireLive && !dry.isEmpty()) {
            String msg = "forwarder.require-live=true but pixel(s) " + String.join(", ", dry)
                    + " would run in dry run (no access token): set the token(s) or FORWARDER_REQUIRE_LIVE=false";
            LOG.error(msg);
            throw new IllegalStateException(msg);
        }
    }

    /** @return the start-log line of one pixel: mode and why, never the token. */
    String describe(Pixel p) {
        String code = p.code() == null || p.code().isBlank() ? "no pixel code" : p.code();
        boolean isDefault = PixelRegistry.DEFAULT.equals(p.name());
        String tokenKey = isDefault ? "tiktok.access-token (TIKTOK_ACCESS_TOKEN)" : "tiktok.pixels." + p.name() + ".access-token";
        if (p.dryRun()) {
            return String.format(Locale.ROOT, "Pixel %s (%s): DRY RUN - no access token (%s is empty%s); requests are "
                    + "written to %s, nothing is sent to TikTok", p.name(), code, tokenKey,
                    isDefault ? "" : " and so is tiktok.access-token", value("forwarder.dry-run.file", "data/dry-run/tiktok-requests.jsonl"));
        }
        boolean own = isDefault || config.getOptionalValue("tiktok.pixels." + p.name() + ".access-token", String.class)
                .map(String::trim).filter(t -> !t.isEmpty()).isPresent();
        return String.format(Locale.ROOT, "Pixel %s (%s): LIVE - access token set (%s), events are sent to %s",
                p.name(), code, own ? tokenKey : "the default tiktok.access-token", value("tiktok.api.base-url", "?"));
    }

    /** Warns once per set environment variable that is 1-2 edits away from a known one that is not set. */
    void warnAboutLookAlikes(Map<String, String> env) {
        for (String name : lookAlikes(env.keySet())) {
            String known = closest(name);
            LOG.warnf("Environment variable %s is set but not read by the forwarder; did you mean %s?", name, known);
        }
    }

    /** @return the set variables named like a known one (edit distance 1-2) while that one is not set. */
    static Set<String> lookAlikes(Set<String> names) {
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            if (KNOWN_ENV.contains(n) || !(n.startsWith("TIKTOK") || n.startsWith("FORWARDER") || n.startsWith("TIK"))) {
                continue;
            }
            String known = closest(n);
            if (known != null && !names.contains(known)) {
                out.add(n);
            }
        }
        return out;
    }

    private static String closest(String name) {
        String best = null;
        int bestD = 3;
        for (String k : KNOWN_ENV) {
            int d = distance(name, k);
            if (d > 0 && d < bestD) {
                best = k;
                bestD = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private String value(String key, String def) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).orElse(def);
    }
}
