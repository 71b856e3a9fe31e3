package bench.load;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders result JSON files (from LoadGen --out) as a markdown report.
 * Usage: Report OUT.md "Title" "context line" ... -- result1.json result2.json ...
 */
public final class Report {
    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        String title = a[1];
        List<String> context = new ArrayList<>();
        List<JsonNode> results = new ArrayList<>();
        int i = 2;
        for (; i < a.length && !a[i].equals("--"); i++) context.add(a[i]);
        for (i++; i < a.length; i++) {
            if (Files.exists(Path.of(a[i]))) results.add(Template.MAPPER.readTree(Path.of(a[i]).toFile()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append("\n\n");
        for (String c : context) sb.append("- ").append(c).append('\n');
        sb.append("\n| workload | load | accepted events/s | forwarded events/s (at fake, drained) | forward ratio | TikTok req / 1,000 events | ingest p50 ms | p99 ms | p99.9 ms | max ms | errors | forwarder peak RSS MB | forwarder CPU s / 1,000 events | other processes' CPU (cores) |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : results) {
            JsonNode l = r.path("latency_ms");
            String load = r.path("mode").asText().equals("rate")
                    ? f0(r.path("rate_target").asDouble()) + " req/s fixed, " + r.path("connections").asInt() + " conns"
                    : "max, " + r.path("connections").asInt() + " conns";
            load += ", " + f1(r.path("duration_s").asDouble()) + " s";
            sb.append("| ").append(r.path("label").asText())
                    .append(" | ").append(load)
                    .append(" | ").append(f0(r.path("ingest_events_per_s").asDouble()))
                    .append(" | ").append(r.has("forwarded_events_per_s") ? f0(r.path("forwarded_events_per_s").asDouble()) : "n/a")
                    .append(" | ").append(r.has("forward_ratio") ? f3(r.path("forward_ratio").asDouble()) : "n/a")
                    .append(" | ").append(r.has("tiktok_requests_per_1000_events") ? f2(r.path("tiktok_requests_per_1000_events").asDouble()) : "n/a")
                    .append(" | ").append(f2(l.path("p50").asDouble()))
                    .append(" | ").append(f2(l.path("p99").asDouble()))
                    .append(" | ").append(f2(l.path("p999").asDouble()))
                    .append(" | ").append(f2(l.path("max").asDouble()))
                    .append(" | ").append(r.path("errors").asLong())
                    .append(" | ").append(r.has("forwarder_peak_rss_mb") ? f0(r.path("forwarder_peak_rss_mb").asDouble()) : "n/a")
                    .append(" | ").append(r.has("forwarder_cpu_s_per_1000_events") ? String.format(Locale.ROOT, "%.4f", r.path("forwarder_cpu_s_per_1000_events").asDouble()) : "n/a")
                    .append(" | ").append(f2(r.path("other_processes_cores").asDouble()))
                    .append(r.path("other_processes_cores").asDouble() > 0.1 ? " (noisy!)" : "")
                    .append(" |\n");
        }
        sb.append("\n'other processes CPU' = machine-wide busy CPU (/proc/stat) minus forwarder, fake TikTok and load generator, averaged over the measured window: anything above ~0.1 core means something else was running and the numbers are not trustworthy.\n");
        List<String> warnings = new ArrayList<>();
        for (JsonNode r : results) {
            String w = r.path("label").asText();
            JsonNode fs = r.path("fake_stats");
            if (fs.path("max_batch").asLong() > 1000) warnings.add(w + ": a TikTok request carried " + fs.path("max_batch").asLong() + " events (limit 1,000 per call)");
            if (fs.path("duplicate_event_ids").asLong() > 0 && !r.path("workload").asText().equals("tiktok")) warnings.add(w + ": " + fs.path("duplicate_event_ids").asLong() + " events reached TikTok with an event_id already seen (duplicates)");
            if (fs.path("bad_requests").asLong() > 0) warnings.add(w + ": " + fs.path("bad_requests").asLong() + " TikTok requests were not valid JSON");
            if (fs.path("missing_token").asLong() > 0) warnings.add(w + ": " + fs.path("missing_token").asLong() + " TikTok requests without an Access-Token header");
            if (fs.path("events_without_id").asLong() > 0) warnings.add(w + ": " + fs.path("events_without_id").asLong() + " events sent to TikTok without event_id");
            if (r.path("errors").asLong() > 0) warnings.add(w + ": " + r.path("errors").asLong() + " ingest requests failed (statuses " + r.path("statuses") + ")");
            double fr = r.path("forward_ratio").asDouble(1);
            if (r.has("forward_ratio") && (fr < 0.999 || fr > 1.001)) warnings.add(w + String.format(Locale.ROOT, ": forward ratio %.4f (accepted %d, counted %d)", fr, r.path("ok_events").asLong(), r.path("forwarded_events").asLong()));
            if (r.path("mode").asText().equals("rate") && r.path("ingest_req_per_s").asDouble() < 0.95 * r.path("rate_target").asDouble())
                warnings.add(w + String.format(Locale.ROOT, ": fixed rate not sustained (%.0f of %.0f req/s); the backlog shows in the latency", r.path("ingest_req_per_s").asDouble(), r.path("rate_target").asDouble()));
        }
        if (!warnings.isEmpty()) {
            sb.append("\nChecks that failed:\n\n");
            for (String w : warnings) sb.append("- ").append(w).append('\n');
        } else if (!results.isEmpty()) {
            sb.append("\nChecks: no duplicates, no batch over 1,000 events, no bad or token-less TikTok requests, no ingest errors, forward ratio 1.\n");
        }
        sb.append("\nDetails per workload:\n\n");
        for (JsonNode r : results) {
            sb.append("- **").append(r.path("label").asText()).append("**: ").append(r.path("description").asText())
                    .append("; sent ").append(r.path("sent_requests").asLong()).append(" requests, statuses ").append(r.path("statuses").toString())
                    .append("; counted at ").append(r.path("counted_at").asText("-"))
                    .append(": ").append(r.path("forwarded_events").asLong()).append(" events in ").append(r.path("forwarded_requests").asLong())
                    .append(" requests over ").append(f1(r.path("span_s").asDouble())).append(" s (drain ").append(r.path("drain_ms").asLong()).append(" ms)");
            JsonNode fs = r.path("fake_stats");
            if (fs.isObject()) {
                sb.append("; fake: max batch ").append(fs.path("max_batch").asLong())
                        .append(", distinct event_ids ").append(fs.path("distinct_event_ids").asLong())
                        .append(", duplicate event_ids ").append(fs.path("duplicate_event_ids").asLong())
                        .append(", bad requests ").append(fs.path("bad_requests").asLong())
                        .append(", without Access-Token ").append(fs.path("missing_token").asLong());
            }
            sb.append("; CPU s: forwarder ").append(r.has("forwarder_cpu_s") ? f2(r.path("forwarder_cpu_s").asDouble()) : "n/a")
                    .append(", load generator ").append(f2(r.path("loadgen_cpu_s").asDouble()))
                    .append(", fake ").append(r.has("fake_cpu_s") ? f2(r.path("fake_cpu_s").asDouble()) : "n/a")
                    .append("; latency p90 ").append(f2(r.path("latency_ms").path("p90").asDouble())).append(" ms, mean ")
                    .append(f2(r.path("latency_ms").path("mean").asDouble())).append(" ms\n");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb.toString());
        System.out.print(sb);
    }

    static String f0(double d) { return String.format(Locale.ROOT, "%,.0f", d); }
    static String f1(double d) { return String.format(Locale.ROOT, "%.1f", d); }
    static String f2(double d) { return String.format(Locale.ROOT, "%.2f", d); }
    static String f3(double d) { return String.format(Locale.ROOT, "%.3f", d); }
}
