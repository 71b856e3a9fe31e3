package io.github.ttforwarder.transport;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

/**
 * Reads the bus ingest endpoints from the configuration at start (run time: the packaged application needs no
 * rebuild). An endpoint is declared by its URI; the other keys are optional:
 *
 * <pre>
 * forwarder.ingest.endpoints.&lt;name&gt;.uri=amqp:queue:tiktok-events          (any Camel consumer URI)
 * forwarder.ingest.endpoints.&lt;name&gt;.format=auto | ndjson | csv            (default auto)
 * forwarder.ingest.endpoints.&lt;name&gt;.charset=UTF-8
 * forwarder.ingest.endpoints.&lt;name&gt;.error-folder=.error                   (local files)
 * forwarder.ingest.endpoints.&lt;name&gt;.csv.separator=,                       (, ; | or tab)
 * forwarder.ingest.endpoints.&lt;name&gt;.csv.columns=event_id=Order ID,user.email=E-mail,properties.value=Total
 * forwarder.ingest.endpoints.&lt;name&gt;.csv.constants=event=Purchase,properties.currency=EUR
 * </pre>
 *
 * Names are found in property names ({@code forwarder.ingest.endpoints.<name>.uri}) and in environment variables
 * ({@code FORWARDER_INGEST_ENDPOINTS_<NAME>_URI}, name lower-cased); the other keys of an endpoint declared by
 * environment variable are read the same way ({@code FORWARDER_INGEST_ENDPOINTS_<NAME>_FORMAT}, ...).
 *
 * @throws IllegalArgumentException (at start, from {@link #endpoints()}) naming the key that is wrong
 */
@ApplicationScoped
public class IngestEndpointSettings {

    static final String PREFIX = "forwarder.ingest.endpoints.";
    private static final String ENV_PREFIX = "FORWARDER_INGEST_ENDPOINTS_";

    /** Root fields of a plain event ({@code InboundBodyReader}): a CSV column may only fill these. */
    static final Set<String> EVENT_ROOTS = Set.of("event", "event_time", "event_id", "user", "page", "properties",
            "pixel", "test_event_code", "limited_data_use");

    private final List<IngestEndpoint> endpoints;

    @Inject
    public IngestEndpointSettings(Config config) {
        this.endpoints = read(config);
    }

    /** @return the configured endpoints, by name */
    public List<IngestEndpoint> endpoints() {
        return endpoints;
    }

    static List<IngestEndpoint> read(Config config) {
        Set<String> names = new TreeSet<>();
        for (String key : config.getPropertyNames()) {
            if (key.startsWith(PREFIX) && key.endsWith(".uri")) {
                String name = key.substring(PREFIX.length(), key.length() - ".uri".length());
                if (!name.isEmpty() && !name.contains(".")) {
                    names.add(name);
                }
            } else if (key.startsWith(ENV_PREFIX) && key.endsWith("_URI")) {
                String name = key.substring(ENV_PREFIX.length(), key.length() - "_URI".length());
                if (!name.isEmpty()) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        List<IngestEndpoint> out = new ArrayList<>();
        for (String name : names) {
            String uri = value(config, name, "uri");
            if (uri == null) {
                continue; // declared empty: disabled
            }
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException(PREFIX + name + ": endpoint names may use letters, digits, - and _ only");
            }
            String k = PREFIX + name + ".";
            IngestEndpoint.Format format = IngestEndpoint.Format.parse(k + "format", orElse(value(config, name, "format"), "auto"));
            Charset charset;
            String cs = orElse(value(config, name, "charset"), "UTF-8");
            try {
                charset = Charset.forName(cs);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(k + "charset: unknown charset '" + cs + "'");
            }
            IngestEndpoint.Csv csv = new IngestEndpoint.Csv(separator(k + "csv.separator", value(config, name, "csv.separator")),
                    pairs(k + "csv.columns", value(config, name, "csv.columns")),
                    pairs(k + "csv.constants", value(config, name, "csv.constants")));
            if (format == IngestEndpoint.Format.CSV && !csv.columns().isEmpty() && !csv.columns().containsKey("event")
                    && !csv.constants().containsKey("event")) {
                throw new IllegalArgumentException(k + "csv.columns: no column fills 'event' — map one (event=Type) or set "
                        + "a constant (" + k + "csv.constants=event=Purchase)");
            }
            out.add(new IngestEndpoint(name, EndpointUris.withDefaults(k + "uri", uri), format,
                    charset == null ? StandardCharsets.UTF_8 : charset, csv, orElse(value(config, name, "error-folder"), ".error")));
        }
        return List.copyOf(out);
    }

    /** @return the trimmed value of {@code forwarder.ingest.endpoints.<name>.<key>}, or null when absent or blank */
    private static String value(Config config, String name, String key) {
        return config.getOptionalValue(PREFIX + name + "." + key, String.class).map(String::trim)
                .filter(s -> !s.isEmpty()).orElse(null);
    }

    private static String orElse(String v, String dflt) {
        return v == null ? dflt : v;
    }

    private static char separator(String key, String v) {
        if (v == null) {
            return ',';
        }
        if (v.equalsIgnoreCase("tab") || v.equals("\\t")) {
            return '\t';
        }
        if (v.length() != 1) {
            throw new IllegalArgumentException(key + " must be one character (, ; |) or 'tab', was '" + v + "'");
        }
        return v.charAt(0);
    }

    /**
     * Parses {@code path=value,path=value}; the value is everything after the first {@code =} up to the next comma.
     *
     * @throws IllegalArgumentException when an entry has no {@code =} or its path does not start with a plain event field
     */
    static Map<String, String> pairs(String key, String v) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        for (String entry : v.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new IllegalArgumentException(key + ": '" + e + "' is not field=value (e.g. user.email=E-mail)");
            }
            String path = e.substring(0, eq).trim();
            String root = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
            if (!EVENT_ROOTS.contains(root)) {
                throw new IllegalArgumentException(key + ": '" + path + "' is not a plain event field (it must start with one of "
                        + new TreeSet<>(EVENT_ROOTS) + ")");
            }
            out.put(path, e.substring(eq + 1).trim());
        }
        return out;
    }
}
