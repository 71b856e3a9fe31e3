package io.github.ttforwarder.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PACKAGED forwarder ({@code target/quarkus-app/quarkus-run.jar}, built by {@code mvn package} before the
 * integration-test phase) as a separate OS process: started with {@code java -jar} from a working folder holding a
 * copy of {@code routes/} and {@code application.properties} (the app reads both from its working directory),
 * configured by environment variables, output in {@code <dir>/forwarder-<n>.log}. {@link #kill()} is
 * {@code kill -9} (SIGKILL).
 */
public final class ForwarderProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final int port;
    private final int managementPort;
    private final Map<String, String> env;
    private Process process;
    private int starts;

    /**
     * @param dir  working folder (created; routes/ and application.properties copied in)
     * @param port HTTP port ({@code QUARKUS_HTTP_PORT})
     * @param env  further environment variables (FORWARDER_*, TIKTOK_*)
     */
    public ForwarderProcess(Path dir, int port, Map<String, String> env) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.managementPort = freePort();
        this.env = env;
    }

    /** @return a free TCP port (for the management interface of this instance) */
    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the process and waits until {@code /q/health/live} (management interface, its own free port) answers 200.
     *
     * @return this
     * @throws IllegalStateException when it did not come up within 180 s
     */
    public ForwarderProcess start() {
        try {
            Path project = Path.of(System.getProperty("user.dir"));
            Path jar = project.resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: run mvn package (mvn verify does) first");
            }
            Files.createDirectories(dir.resolve("routes"));
            Files.copy(project.resolve("application.properties"), dir.resolve("application.properties"),
                    StandardCopyOption.REPLACE_EXISTING);
            try (Stream<Path> routes = Files.list(project.resolve("routes"))) {
                for (Path r : routes.toList()) {
                    Files.copy(r, dir.resolve("routes").resolve(r.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("forwarder-" + (++starts) + ".log").toFile()));
            pb.environment().put("FORWARDER_EVENT_TIME_MAX_AGE", "36500d"); // the tests' events carry fixed 2025 times
            pb.environment().putAll(env);
            pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
            process = pb.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // a loaded 2-core CI machine needs it
            while (System.nanoTime() < end) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the forwarder exited with " + process.exitValue() + "; see " + dir);
                }
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/live"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return this;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the forwarder did not start within 180 s; see " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * POSTs a JSON body.
     *
     * @return the HTTP status, or -1 when the request failed (connection refused or reset: the process died)
     */
    public int post(String path, String json) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code kill -9}: Process.destroyForcibly sends SIGKILL on Linux; no shutdown hook runs. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** @return {@code http://127.0.0.1:<management port>} (health, /admin) */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** @return the working folder (logs are there) */
    public Path dir() {
        return dir;
    }

    /** Graceful stop (SIGTERM), then SIGKILL after 30 s. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
