package bench.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake TikTok Events API 2.0 endpoint that only counts.
 *
 * POST /open_api/v1.3/event/track/  -> counts requests and data[] items, answers code 0
 * GET  /stats                       -> JSON counters
 * POST /reset                       -> zero the counters
 * POST anything else                -> "sink": counts requests and events[] items (load generator self-test)
 *
 * Options: --impl vertx|jdk (default vertx), --host 127.0.0.1, --port 0, --port-file FILE,
 *          --threads N (event loops / pool threads, default 1), --latency-ms N (answer delay),
 *          --no-ids (do not track distinct event_ids)
 */
public final class FakeTikTok {
    static final String TRACK = "/open_api/v1.3/event/track";

    public static void main(String[] args) throws Exception {
        String impl = "vertx", host = "127.0.0.1", portFile = null;
        int port = 0, threads = 1;
        long latencyMs = 0;
        boolean trackIds = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--impl" -> impl = args[++i];
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--port-file" -> portFile = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
                case "--no-ids" -> trackIds = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Stats stats = new Stats(trackIds);
        int bound = impl.equals("jdk") ? startJdk(stats, host, port, threads, latencyMs)
                : startVertx(stats, host, port, threads, latencyMs);
        System.out.println("fake-tiktok impl=" + impl + " threads=" + threads + " listening on http://" + host + ":" + bound
                + " latency-ms=" + latencyMs + " track-ids=" + trackIds);
        if (portFile != null) {
            Path tmp = Path.of(portFile + ".tmp");
            Files.writeString(tmp, Integer.toString(bound));
            Files.move(tmp, Path.of(portFile), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Thread.currentThread().join();
    }

    // ---------------------------------------------------------------- Vert.x (Netty) implementation

    static int startVertx(Stats stats, String host, int port, int threads, long latencyMs) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads).setPreferNativeTransport(false));
        AtomicInteger bound = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        final int wantPort = port;
        // With port 0 each verticle would get its own port: bind the first, then the rest on the same port.
        Runnable[] deployRest = new Runnable[1];
        vertx.deployVerticle(() -> new VertxFake(stats, host, wantPort, latencyMs, bound), new DeploymentOptions().setInstances(1))
                .onComplete(ar -> {
                    if (ar.failed()) { failure[0] = ar.cause(); started.countDown(); return; }
                    if (threads <= 1) { started.countDown(); return; }
                    vertx.deployVerticle(() -> new VertxFake(stats, host, bound.get(), latencyMs, new AtomicInteger()),
                            new DeploymentOptions().setInstances(threads - 1)).onComplete(ar2 -> {
                        if (ar2.failed()) failure[0] = ar2.cause();
                        started.countDown();
                    });
                });
        started.await();
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
        return bound.get();
    }

    static final class VertxFake extends AbstractVerticle {
        final Stats stats; final String host; final int port; final long latencyMs; final AtomicInteger bound;

        VertxFake(Stats stats, String host, int port, long latencyMs, AtomicInteger bound) {
            this.stats = stats; this.host = host; this.port = port; this.latencyMs = latencyMs; this.bound = bound;
        }

        @Override
        public void start(io.vertx.core.Promise<Void> startPromise) {
            vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                            .setMaxFormAttributeSize(-1).setIdleTimeout(0))
                    .requestHandler(this::handle)
                    .listen()
                    .onSuccess(s -> { bound.set(s.actualPort()); startPromise.complete(); })
                    .onFailure(startPromise::fail);
        }

        void handle(HttpServerRequest req) {
            String path = req.path();
            if (req.method() == HttpMethod.GET && path.equals("/stats")) {
                req.response().putHeader("content-type", "application/json").end(stats.json());
                return;
            }
            if (req.method() != HttpMethod.POST) {
                req.response().setStatusCode(405).end();
                return;
            }
            req.body().onSuccess(body -> {
                if (path.equals("/reset")) {
                    stats.reset();
                    req.response().putHeader("content-type", "application/json").end(stats.json());
                } else if (path.startsWith(TRACK)) {
                    byte[] b = bytes(body);
                    stats.trackRequest(b, 0, b.length, req.getHeader("Access-Token") != null);
                    String answer = stats.okBody();
                    if (latencyMs > 0) {
                        vertx.setTimer(latencyMs, id -> req.response().putHeader("content-type", "application/json").end(answer));
                    } else {
                        req.response().putHeader("content-type", "application/json").end(answer);
                    }
                } else {
                    byte[] b = bytes(body);
                    stats.ingestRequest(b, 0, b.length);
                    req.response().setStatusCode(path.contains("/v2/collect") ? 202 : 200)
                            .putHeader("content-type", "application/json").end("{}");
                }
            }).onFailure(e -> req.response().setStatusCode(400).end());
        }

        static byte[] bytes(Buffer b) {
            io.netty.buffer.ByteBuf bb = b.getByteBuf();
            if (bb.hasArray() && bb.arrayOffset() == 0 && bb.readerIndex() == 0 && bb.array().length == bb.readableBytes()) {
                return bb.array();
            }
            return b.getBytes();
        }
    }

    // ---------------------------------------------------------------- JDK com.sun.net.httpserver implementation

    static int startJdk(Stats stats, String host, int port, int threads, long latencyMs) throws IOException {
        // Without TCP_NODELAY the JDK server's separate header/body writes meet the client's delayed ACK (~40 ms stalls).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        server.setExecutor(pool);
        server.createContext("/", ex -> {
            try {
                handleJdk(stats, ex, latencyMs);
            } catch (Exception e) {
                try { ex.sendResponseHeaders(500, -1); } catch (IOException ignored) { }
            } finally {
                ex.close();
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    static void handleJdk(Stats stats, HttpExchange ex, long latencyMs) throws Exception {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (method.equals("GET") && path.equals("/stats")) {
            sendJdk(ex, 200, stats.json());
            return;
        }
        if (!method.equals("POST")) {
            ex.sendResponseHeaders(405, -1);
            return;
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (path.equals("/reset")) {
            stats.reset();
            sendJdk(ex, 200, stats.json());
        } else if (path.startsWith(TRACK)) {
            stats.trackRequest(body, 0, body.length, ex.getRequestHeaders().getFirst("Access-Token") != null);
            if (latencyMs > 0) Thread.sleep(latencyMs);
            sendJdk(ex, 200, stats.okBody());
        } else {
            stats.ingestRequest(body, 0, body.length);
            sendJdk(ex, path.contains("/v2/collect") ? 202 : 200, "{}");
        }
    }

    static void sendJdk(HttpExchange ex, int status, String json) throws IOException {
        byte[] out = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }
}
