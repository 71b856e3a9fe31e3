package io.github.ttforwarder.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Secrets from files (the Docker / Kubernetes secrets convention): an environment variable {@code <NAME>_FILE} holding
 * a file path provides {@code <NAME>} with the file's content, a trailing newline ({@code \n} or {@code \r\n}) trimmed.
 * So {@code TIKTOK_ACCESS_TOKEN_FILE=/run/secrets/tiktok} stands for {@code TIKTOK_ACCESS_TOKEN}, and with it for
 * {@code tiktok.access-token=${TIKTOK_ACCESS_TOKEN:}}.
 *
 * <p>Only secret settings are read this way: variables ending in {@code _TOKEN_FILE} ({@code TIKTOK_ACCESS_TOKEN_FILE},
 * {@code TIKTOK_PIXEL_<NAME>_ACCESS_TOKEN_FILE}, {@code FORWARDER_ADMIN_TOKEN_FILE}) and
 * {@code FORWARDER_INGEST_KEYS_<NAME>_FILE}; other {@code *_FILE} variables (such as {@code FORWARDER_DRY_RUN_FILE}) are
 * ordinary settings. A variable set directly wins over its {@code _FILE} form (ordinal 290, below the environment's
 * 300). An unreadable file stops the start with an {@link IllegalStateException} naming the variable and path (never
 * content).
 */
public class FileSecretsConfigSource implements ConfigSource {

    private final Map<String, String> values;

    /** ServiceLoader constructor: reads the process environment. */
    public FileSecretsConfigSource() {
        this(System.getenv());
    }

    /** @param env environment variables (for tests) */
    public FileSecretsConfigSource(Map<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!isSecretFileVariable(name) || e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            Path path = Path.of(e.getValue().strip());
            try {
                v.put(name.substring(0, name.length() - "_FILE".length()), trimNewline(Files.readString(path, StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException ex) {
                throw new IllegalStateException(name + ": cannot read the secret file " + path + " (" + ex.getClass().getSimpleName() + ")");
            }
        }
        this.values = Collections.unmodifiableMap(v);
    }

    static boolean isSecretFileVariable(String name) {
        return name.endsWith("_TOKEN_FILE") && (name.startsWith("TIKTOK_") || name.startsWith("FORWARDER_"))
                || name.startsWith("FORWARDER_INGEST_KEYS_") && name.endsWith("_FILE")
                        && name.length() > "FORWARDER_INGEST_KEYS_".length() + "_FILE".length();
    }

    static String trimNewline(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        if (s.endsWith("\n")) {
            return s.substring(0, s.length() - 1);
        }
        return s;
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "secret files (*_FILE environment variables)";
    }

    @Override
    public int getOrdinal() {
        return 290;
    }
}
