package io.github.ttforwarder.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.Config;

/**
 * The configured TikTok pixels, by name.
 *
 * <p>Configuration contract: {@code tiktok.pixel-code} / {@code TIKTOK_PIXEL_CODE} and
 * {@code tiktok.access-token} / {@code TIKTOK_ACCESS_TOKEN} form the pixel named {@value #DEFAULT};
 * {@code tiktok.pixels.<name>.code} and {@code tiktok.pixels.<name>.access-token} add named pixels
 * that a rule (header {@code tiktok.pixel}) or a plain event ({@code "pixel"}) selects. A named pixel
 * without its own access token uses the default one.
 */
@ApplicationScoped
@Named("pixelRegistry")
public class PixelRegistry {

    /** Name of the pixel configured by {@code tiktok.pixel-code}. */
    public static final String DEFAULT = "default";

    private final Map<String, Pixel> pixels;

    @Inject
    public PixelRegistry(Config config) {
        this(read(config));
    }

    /** For tests and tools: a registry over the given pixels (keyed by {@link Pixel#name()}). */
    public PixelRegistry(Map<String, Pixel> pixels) {
        this.pixels = Collections.unmodifiableMap(new LinkedHashMap<>(pixels));
    }

    private static Map<String, Pixel> read(Config config) {
        Map<String, Pixel> map = new LinkedHashMap<>();
        String defaultToken = config.getOptionalValue("tiktok.access-token", String.class).orElse("");
        String defaultCode = config.getOptionalValue("tiktok.pixel-code", String.class).orElse("");
        map.put(DEFAULT, new Pixel(DEFAULT, defaultCode.trim(), defaultToken.trim()));
        for (String key : config.getPropertyNames()) {
            if (key.startsWith("tiktok.pixels.") && key.endsWith(".code")) {
                String name = key.substring("tiktok.pixels.".length(), key.length() - ".code".length());
                if (name.isEmpty() || name.contains(".")) {
                    continue;
                }
                String code = config.getOptionalValue(key, String.class).orElse("").trim();
                String token = config.getOptionalValue("tiktok.pixels." + name + ".access-token", String.class)
                        .map(String::trim).filter(t -> !t.isEmpty()).orElse(defaultToken.trim());
                map.put(name, new Pixel(name, code, token));
            }
        }
        return map;
    }

    /**
     * @param name a pixel name; null or blank selects {@value #DEFAULT}
     * @return the pixel, or empty when no pixel of that name is configured
     */
    public Optional<Pixel> find(String name) {
        String key = name == null || name.isBlank() ? DEFAULT : name.trim();
        return Optional.ofNullable(pixels.get(key));
    }

    /**
     * Start-up check: a pixel with an access token but no code cannot be sent to (TikTok Events API 2.0:
     * {@code event_source_id} is the pixel code), so the forwarder refuses to start; a dry-run pixel without a code
     * only gets a warning, its requests then carry an empty {@code event_source_id}.
     *
     * @throws IllegalStateException naming the pixel whose code is missing (never the token)
     */
    void checkAtStartup(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        for (Pixel p : pixels.values()) {
            if (p.code() == null || p.code().isBlank()) {
                String key = p.name().equals(DEFAULT) ? "tiktok.pixel-code (TIKTOK_PIXEL_CODE)" : "tiktok.pixels." + p.name() + ".code";
                if (!p.dryRun()) {
                    throw new IllegalStateException("Pixel '" + p.name() + "' has an access token but no pixel code: set " + key);
                }
                org.jboss.logging.Logger.getLogger(PixelRegistry.class).warnf(
                        "Pixel '%s' has no pixel code: dry-run requests carry an empty event_source_id; set %s", p.name(), key);
            }
        }
    }

    /** @return all configured pixels by name, {@value #DEFAULT} first. */
    public Map<String, Pixel> all() {
        return pixels;
    }
}
