package io.github.ttforwarder.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Test support: a watched rules folder under target/ holding a copy of the shipped rules, written at run time. */
public final class RuleFolder {

    private RuleFolder() {
    }

    public static final Path DIR = Path.of("target", "trap-routes").toAbsolutePath();

    /** The profile: rules from {@link #DIR}, a fresh copy of routes/. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(DIR);
                try (var files = Files.list(DIR)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                }
                try (var shipped = Files.list(Path.of("routes"))) {
                    for (Path p : shipped.toList()) {
                        Files.copy(p, DIR.resolve(p.getFileName()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("forwarder.rules.directory", DIR.toString());
        }
    }

    /** Writes a rule file as an editor would save it (write, then rename over the old one). */
    public static void write(String name, String text) {
        try {
            Path tmp = DIR.resolve("." + name + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, DIR.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every file that is not a shipped rule file (test clean-up). */
    public static void deleteAllButShipped() {
        try (var files = Files.list(DIR)) {
            for (Path p : files.toList()) {
                if (!Files.exists(Path.of("routes").resolve(p.getFileName()))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(String name) {
        try {
            Files.deleteIfExists(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to 5 s (the promise for reporting problems and removing rules) for the condition. */
    public static void await(String what, BooleanSupplier condition) {
        await(what, condition, Duration.ofSeconds(5));
    }

    public static void await(String what, BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
    }

    /** @return the problems the forwarder reports for the file */
    public static List<RuleProblem> problems(RuleFiles files, String name) {
        return files.problems().getOrDefault(RuleFiles.displayName(DIR, DIR.resolve(name)), List.of());
    }
}
