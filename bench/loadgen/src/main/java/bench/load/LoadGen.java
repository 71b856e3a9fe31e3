package bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Load generator. Vert.x (Netty) HTTP/1.1 client, keep-alive, a fixed number of connections.
 *
 * Modes:
 *  max  - closed loop: every connection sends its next request as soon as the previous answer arrives.
 *  rate - open loop at a fixed request rate; latency is measured from each request's *intended*
 *         send time (coordinated-omission corrected: a stall counts against every request it delays).
 *
 * Phases: warm-up (not recorded) -> wait for the fake to go quiet -> POST fake /reset -> measure
 *         -> wait for the forwarder to drain (fake counters stable) -> read fake /stats -> JSON result.
 */
public final class LoadGen {

    public static void main(String[] a) throws Exception {
        Opts o = Opts.parse(a);
        new LoadGen(o).run();
    }

    static final class Opts {
        String target = "http://127.0.0.1:8080", workload = "events", mode = "max", fixtures = "bench/fixtures";
        String fake = null, out = null, label = null, count = "track";
        int connections = 16, threads = 1, eventsPerRequest = -1;
        double rate = 1000, duration = 30, warmup = 10;
        long pid = -1, fakePid = -1, drainStableMs = 3000, drainMaxMs = 60000, timeoutMs = 30000, clkTck = 100;

        static Opts parse(String[] a) {
            Opts o = new Opts();
            for (int i = 0; i < a.length; i++) {
                String k = a[i], v = i + 1 < a.length ? a[i + 1] : null;
                switch (k) {
                    case "--target" -> o.target = v;
                    case "--workload" -> o.workload = v;
                    case "--mode" -> o.mode = v;
                    case "--fixtures" -> o.fixtures = v;
                    case "--fake" -> o.fake = v;
                    case "--out" -> o.out = v;
                    case "--label" -> o.label = v;
                    case "--count" -> o.count = v;
                    case "--connections" -> o.connections = Integer.parseInt(v);
                    case "--threads" -> o.threads = Integer.parseInt(v);
                    case "--events-per-request" -> o.eventsPerRequest = Integer.parseInt(v);
                    case "--rate" -> o.rate = Double.parseDouble(v);
                    case "--duration" -> o.duration = Double.parseDouble(v);
                    case "--warmup" -> o.warmup = Double.parseDouble(v);
                    case "--pid" -> o.pid = Long.parseLong(v);
                    case "--fake-pid" -> o.fakePid = Long.parseLong(v);
                    case "--drain-stable-ms" -> o.drainStableMs = Long.parseLong(v);
                    case "--drain-max-ms" -> o.drainMaxMs = Long.parseLong(v);
                    case "--timeout-ms" -> o.timeoutMs = Long.parseLong(v);
                    case "--clk-tck" -> o.clkTck = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + k);
                }
                i++;
            }
            if (o.eventsPerRequest < 0) o.eventsPerRequest = o.workload.equals("tiktok") ? 1000 : 100;
            if (o.label == null) o.label = o.workload + "-" + o.mode;
            return o;
        }
    }

    final Opts o;
    final java.net.http.HttpClient control = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LoadGen(Opts o) { this.o = o; }

    // ------------------------------------------------------------------ one verticle = one event loop

    static final class Worker extends AbstractVerticle {
        final Opts o; final Workloads.Source src; final String host; final int port; final int conns; final double rate;
        final Map<String, String> headers;
        HttpClient client;
        Histogram hist = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
        volatile boolean recording, stopping;
        long okRequests, okEvents, errors, inFlight, sent, bytesSent;
        final Map<String, Long> statuses = new TreeMap<>();
        long nextIntended; double intervalNs; long timerId = -1;

        Worker(Opts o, Workloads.Source src, URI target, int conns, double rate) {
            this.o = o; this.src = src; this.host = target.getHost(); this.port = target.getPort();
            this.conns = conns; this.rate = rate; this.headers = src.headers();
        }

        @Override public void start() {
            client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                            .setTcpNoDelay(true).setIdleTimeout(0).setMaxInitialLineLength(8192),
                    new PoolOptions().setHttp1MaxSize(conns).setMaxWaitQueueSize(-1));
        }

        /** Runs on this verticle's event loop. */
        void begin(long endNs) {
            stopping = false;
            if (o.mode.equals("rate")) {
                intervalNs = 1e9 / rate;
                nextIntended = System.nanoTime();
                timerId = vertx.setPeriodic(1, id -> {
                    long now = System.nanoTime();
                    if (now >= endNs || stopping) { vertx.cancelTimer(id); timerId = -1; return; }
                    while (nextIntended <= now) {
                        send(nextIntended, endNs, false);
                        nextIntended += (long) intervalNs;
                    }
                });
            } else {
                for (int i = 0; i < conns; i++) send(System.nanoTime(), endNs, true);
            }
        }

        void send(long intendedNs, long endNs, boolean loop) {
            Workloads.Req r = src.next();
            inFlight++; sent++; bytesSent += r.body().length;
            RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                    .setURI(r.uri()).setTimeout(o.timeoutMs);
            headers.forEach(ro::putHeader);
            client.request(ro)
                    .compose(req -> req.send(Buffer.buffer(r.body())))
                    .compose(resp -> resp.body().map(b -> resp.statusCode()))
                    .onComplete(ar -> {
                        long now = System.nanoTime();
                        inFlight--;
                        if (recording) {
                            hist.recordValue(Math.max(1, Math.min(hist.getHighestTrackableValue(), (now - intendedNs) / 1000)));
                            String key;
                            if (ar.succeeded()) {
                                int sc = ar.result();
                                key = Integer.toString(sc);
                                if (sc >= 200 && sc < 300) { okRequests++; okEvents += r.events(); } else errors++;
                            } else {
                                errors++;
                                key = ar.cause().getClass().getSimpleName();
                            }
                            statuses.merge(key, 1L, Long::sum);
                        }
                        if (loop && !stopping && now < endNs) send(now, endNs, true);
                    });
        }

        void exec(Runnable r) { context.runOnContext(v -> r.run()); }

        void resetCounters() {
            hist.reset(); okRequests = okEvents = errors = sent = bytesSent = 0; statuses.clear();
        }
    }

    // ------------------------------------------------------------------ orchestration

    void run() throws Exception {
        URI target = URI.create(o.target);
        Path fixtures = Path.of(o.fixtures);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.threads).setPreferNativeTransport(false));
        List<Worker> workers = new ArrayList<>();
        String description = null;
        for (int t = 0; t < o.threads; t++) {
            int conns = o.connections / o.threads + (t < o.connections % o.threads ? 1 : 0);
            Workloads.Source src = Workloads.create(o.workload, fixtures, o.eventsPerRequest);
            if (description == null) description = src.describe();
            Worker w = new Worker(o, src, target, Math.max(1, conns), o.rate / o.threads);
            vertx.deployVerticle(w).toCompletionStage().toCompletableFuture().get();
            workers.add(w);
        }
        log("workload " + o.label + ": " + o.workload + " mode=" + o.mode + (o.mode.equals("rate") ? " rate=" + o.rate + " req/s" : "")
                + " connections=" + o.connections + " threads=" + o.threads + " -> " + o.target);
        log("  " + description);

        // warm-up
        if (o.warmup > 0) {
            phase(vertx, workers, o.warmup, false);
            if (o.fake != null) { waitQuiet(Math.max(1500, o.drainStableMs / 2), o.drainMaxMs); }
        }
        if (o.fake != null) post(o.fake + "/reset");
        for (Worker w : workers) onLoop(vertx, w, w::resetCounters);

        // measure
        ProcSampler fwd = o.pid > 0 ? new ProcSampler(o.pid, o.clkTck) : null;
        ProcSampler fk = o.fakePid > 0 ? new ProcSampler(o.fakePid, o.clkTck) : null;
        if (fwd != null) fwd.start();
        if (fk != null) fk.start();
        long selfCpu0 = selfCpuNs();
        long[] sys0 = systemTicks();
        long startMs = System.currentTimeMillis();
        long t0 = System.nanoTime();
        phase(vertx, workers, o.duration, true);
        long loadNs = System.nanoTime() - t0;
        long loadEndMs = System.currentTimeMillis();
        long selfCpuNs = selfCpuNs() - selfCpu0;

        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
        long okReq = 0, okEv = 0, err = 0, sent = 0, bytes = 0;
        Map<String, Long> statuses = new TreeMap<>();
        for (Worker w : workers) {
            h.add(w.hist); okReq += w.okRequests; okEv += w.okEvents; err += w.errors; sent += w.sent; bytes += w.bytesSent;
            w.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
        }

        // drain: wait until the fake's counters stop moving (or it has everything we sent)
        JsonNode stats = null;
        long drainMs = 0;
        if (o.fake != null) {
            long d0 = System.currentTimeMillis();
            stats = waitDrained(okEv);
            drainMs = System.currentTimeMillis() - d0;
        }
        if (fwd != null) fwd.stop();
        if (fk != null) fk.stop();
        long[] sys1 = systemTicks();
        long selfAllNs = selfCpuNs() - selfCpu0;
        double wallS = (System.currentTimeMillis() - startMs) / 1000.0;
        double busyS = (sys1[0] - sys0[0]) / (double) o.clkTck;
        double ours = selfAllNs / 1e9 + (fwd != null ? fwd.cpuSeconds() : 0) + (fk != null && o.fakePid != o.pid ? fk.cpuSeconds() : 0);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        // result
        ObjectNode r = Template.MAPPER.createObjectNode();
        r.put("label", o.label).put("workload", o.workload).put("mode", o.mode).put("target", o.target)
                .put("connections", o.connections).put("rate_target", o.mode.equals("rate") ? o.rate : 0)
                .put("duration_s", loadNs / 1e9).put("warmup_s", o.warmup).put("events_per_request", o.eventsPerRequest)
                .put("description", description);
        r.put("sent_requests", sent).put("ok_requests", okReq).put("ok_events", okEv).put("errors", err)
                .put("ingest_req_per_s", okReq / (loadNs / 1e9)).put("ingest_events_per_s", okEv / (loadNs / 1e9))
                .put("ingest_mb_per_s", bytes / (loadNs / 1e9) / 1e6);
        ObjectNode st = r.putObject("statuses");
        statuses.forEach(st::put);
        ObjectNode lat = r.putObject("latency_ms");
        lat.put("p50", h.getValueAtPercentile(50) / 1000.0).put("p90", h.getValueAtPercentile(90) / 1000.0)
                .put("p99", h.getValueAtPercentile(99) / 1000.0).put("p999", h.getValueAtPercentile(99.9) / 1000.0)
                .put("max", h.getMaxValue() / 1000.0).put("mean", h.getMean() / 1000.0).put("count", h.getTotalCount());
        r.put("loadgen_cpu_s", selfCpuNs / 1e9);
        if (stats != null) {
            boolean ingest = o.count.equals("ingest");
            long fEvents = stats.path(ingest ? "ingest_events" : "events").asLong();
            long fReqs = stats.path(ingest ? "ingest_requests" : "requests").asLong();
            long lastAt = stats.path(ingest ? "ingest_last_at_ms" : "last_at_ms").asLong();
            double span = (Math.max(loadEndMs, lastAt) - startMs) / 1000.0;
            r.put("counted_at", ingest ? "fake sink (ingest paths: load generator self-test)" : "fake TikTok /open_api/v1.3/event/track/");
            r.put("forwarded_events", fEvents).put("forwarded_requests", fReqs)
                    .put("forwarded_events_per_s", span > 0 ? fEvents / span : 0)
                    .put("span_s", span)
                    .put("tiktok_requests_per_1000_events", fEvents > 0 ? fReqs * 1000.0 / fEvents : 0)
                    .put("forward_ratio", okEv > 0 ? (double) fEvents / okEv : 0)
                    .put("drain_ms", drainMs);
            r.set("fake_stats", stats);
        }
        if (fwd != null) {
            r.put("forwarder_cpu_s", fwd.cpuSeconds()).put("forwarder_peak_rss_mb", fwd.peakRssKb() / 1024.0)
                    .put("forwarder_vmhwm_mb", fwd.hwmKb() / 1024.0).put("forwarder_hwm_reset", fwd.hwmReset);
            long fe = r.path("forwarded_events").asLong(0);
            r.put("forwarder_cpu_s_per_1000_events", fe > 0 ? fwd.cpuSeconds() * 1000.0 / fe : 0);
        }
        if (fk != null) r.put("fake_cpu_s", fk.cpuSeconds());
        // Noise check: CPU that processes other than forwarder, fake and load generator used meanwhile
        r.put("machine_busy_cores", busyS / wallS).put("other_processes_cores", Math.max(0, busyS - ours) / wallS)
                .put("loadavg_end", loadavg());
        String json = Template.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r);
        if (o.out != null) Files.writeString(Path.of(o.out), json);
        log(String.format("  ingest: %.0f req/s, %.0f events/s accepted, errors=%d, statuses=%s",
                r.path("ingest_req_per_s").asDouble(), r.path("ingest_events_per_s").asDouble(), err, statuses));
        log(String.format("  latency ms: p50=%.2f p99=%.2f p99.9=%.2f max=%.2f (n=%d)",
                lat.path("p50").asDouble(), lat.path("p99").asDouble(), lat.path("p999").asDouble(), lat.path("max").asDouble(), h.getTotalCount()));
        if (stats != null) log(String.format("  counted at fake: %d events in %d requests -> %.0f events/s end to end, %.2f requests/1000 events, forward ratio %.3f (drain %d ms)",
                r.path("forwarded_events").asLong(), r.path("forwarded_requests").asLong(), r.path("forwarded_events_per_s").asDouble(),
                r.path("tiktok_requests_per_1000_events").asDouble(), r.path("forward_ratio").asDouble(), drainMs));
        if (fwd != null) log(String.format("  forwarder: cpu %.2f s (%.4f s/1000 events), peak RSS %.0f MB",
                fwd.cpuSeconds(), r.path("forwarder_cpu_s_per_1000_events").asDouble(), fwd.peakRssKb() / 1024.0));
        log(String.format("  loadgen cpu %.2f s%s; machine busy %.2f cores, of which other processes %.2f cores%s",
                selfCpuNs / 1e9, fk != null ? String.format(", fake cpu %.2f s", fk.cpuSeconds()) : "",
                r.path("machine_busy_cores").asDouble(), r.path("other_processes_cores").asDouble(),
                r.path("other_processes_cores").asDouble() > 0.1 ? "  <-- NOISY MACHINE: results unreliable" : ""));
    }

    void phase(Vertx vertx, List<Worker> workers, double seconds, boolean record) throws Exception {
        long endNs = System.nanoTime() + (long) (seconds * 1e9);
        for (Worker w : workers) { w.recording = record; onLoop(vertx, w, () -> w.begin(endNs)); }
        Thread.sleep(Math.max(0, (endNs - System.nanoTime()) / 1_000_000));
        // let in-flight requests finish (bounded), so they are recorded
        long deadline = System.currentTimeMillis() + Math.min(o.timeoutMs, 30000) + 1000;
        while (System.currentTimeMillis() < deadline) {
            long inflight = 0;
            for (Worker w : workers) inflight += w.inFlight;
            if (inflight == 0) break;
            Thread.sleep(5);
        }
        for (Worker w : workers) { w.stopping = true; w.recording = false; }
    }

    static void onLoop(Vertx vertx, Worker w, Runnable r) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        w.exec(() -> { try { r.run(); f.complete(null); } catch (Throwable t) { f.completeExceptionally(t); } });
        f.get(10, TimeUnit.SECONDS);
    }

    JsonNode stats() throws Exception {
        HttpResponse<String> resp = control.send(HttpRequest.newBuilder(URI.create(o.fake + "/stats")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Template.MAPPER.readTree(resp.body());
    }

    void post(String url) throws Exception {
        control.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    long counted(JsonNode s) {
        return s.path(o.count.equals("ingest") ? "ingest_events" : "events").asLong();
    }

    void waitQuiet(long stableMs, long maxMs) throws Exception {
        long end = System.currentTimeMillis() + maxMs, last = -1, since = System.currentTimeMillis();
        while (System.currentTimeMillis() < end) {
            long c = counted(stats());
            if (c != last) { last = c; since = System.currentTimeMillis(); }
            else if (System.currentTimeMillis() - since >= stableMs) return;
            Thread.sleep(100);
        }
    }

    JsonNode waitDrained(long expected) throws Exception {
        long end = System.currentTimeMillis() + o.drainMaxMs, last = -1, since = System.currentTimeMillis();
        JsonNode s = stats();
        while (System.currentTimeMillis() < end) {
            s = stats();
            long c = counted(s);
            long now = System.currentTimeMillis();
            if (c != last) { last = c; since = now; }
            // all accepted events arrived and nothing moved for a short while, or nothing moved for the full window
            else if ((c >= expected && now - since >= 300) || now - since >= o.drainStableMs) return s;
            Thread.sleep(100);
        }
        log("  WARNING: drain did not settle within " + o.drainMaxMs + " ms");
        return s;
    }

    /** [busy ticks, total ticks] over all CPUs, from /proc/stat. */
    static long[] systemTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0, idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]);
            idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    static String loadavg() {
        try { return Files.readString(Path.of("/proc/loadavg")).trim(); } catch (Exception e) { return "?"; }
    }

    static long selfCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static void log(String s) { System.out.println(s); System.out.flush(); }

    // ------------------------------------------------------------------ /proc sampling of another process

    static final class ProcSampler {
        final long pid, clkTck;
        long ticks0, ticks1, peakRss, hwm;
        boolean hwmReset;
        volatile boolean running;
        Thread thread;

        ProcSampler(long pid, long clkTck) { this.pid = pid; this.clkTck = clkTck; }

        void start() {
            // reset the kernel's peak-RSS mark so VmHWM covers this workload only (Linux >= 4.0, own processes)
            try { Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5"); hwmReset = true; } catch (Exception e) { hwmReset = false; }
            ticks0 = ticks();
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    sampleRss();
                    try { Thread.sleep(100); } catch (InterruptedException e) { return; }
                }
            }, "proc-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            sampleRss();
            ticks1 = ticks();
        }

        double cpuSeconds() { return (ticks1 - ticks0) / (double) clkTck; }
        long peakRssKb() { return Math.max(peakRss, hwmReset ? hwm : 0); }
        long hwmKb() { return hwm; }

        long ticks() {
            try {
                String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            } catch (Exception e) {
                return 0;
            }
        }

        void sampleRss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) peakRss = Math.max(peakRss, kb(line));
                    else if (line.startsWith("VmHWM:")) hwm = kb(line);
                }
            } catch (Exception ignored) { }
        }

        static long kb(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }
}
