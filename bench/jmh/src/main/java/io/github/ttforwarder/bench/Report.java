package io.github.ttforwarder.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns JMH's JSON result ({@code -rf json}) into the pipeline ÷ floor table, printed and written as markdown.
 * {@code java -cp benchmarks.jar io.github.ttforwarder.bench.Report result.json out.md [nproc] [extra.md]}
 * (the optional extra file, e.g. the profile summary, is appended to the markdown).
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        String nproc = args.length > 2 ? args[2] : String.valueOf(Runtime.getRuntime().availableProcessors());
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        String jvm = "?";
        String jvmArgs = "";
        String settings = "";
        for (JsonNode r : results) {
            String name = r.path("benchmark").asText();
            byName.put(name.substring(name.lastIndexOf('.') + 1), r);
            jvm = r.path("vmName").asText() + " " + r.path("vmVersion").asText() + " (JDK " + r.path("jdkVersion").asText() + ")";
            jvmArgs = r.path("jvmArgs").toString();
            settings = String.format("forks %d, warm-up %d × %s, measurement %d × %s, threads %d",
                    r.path("forks").asInt(), r.path("warmupIterations").asInt(), r.path("warmupTime").asText(),
                    r.path("measurementIterations").asInt(), r.path("measurementTime").asText(), r.path("threads").asInt());
        }
        StringBuilder md = new StringBuilder();
        md.append("# JMH: pipeline vs floor — ").append(LocalDate.now()).append("\n\n");
        md.append("- machine: ").append(nproc).append(" CPUs (nproc), shared with other builds: numbers are noisy\n");
        md.append("- JVM: ").append(jvm).append(", args ").append(jvmArgs).append("\n");
        md.append("- JMH 1.37: ").append(settings).append("\n");
        md.append("- throughput in events/s (collect100: 100 XDM events per request, `@OperationsPerInvocation(100)`)\n\n");
        md.append("| input | floor events/s | pipeline events/s | pipeline ÷ floor |\n|---|---:|---:|---:|\n");
        for (String input : new String[] {"collect100", "plain1"}) {
            JsonNode floor = byName.get(input + "_floor");
            JsonNode pipeline = byName.get(input + "_pipeline");
            if (floor == null && pipeline == null) {
                continue;
            }
            md.append("| ").append(input).append(" | ").append(score(floor)).append(" | ").append(score(pipeline))
                    .append(" | ");
            if (floor != null && pipeline != null) {
                double ratio = pipeline.path("primaryMetric").path("score").asDouble()
                        / floor.path("primaryMetric").path("score").asDouble();
                md.append(String.format("**%.1f %%**", 100 * ratio));
            } else {
                md.append("–");
            }
            md.append(" |\n");
        }
        md.append("\nTarget (issue 8): pipeline ≥ 40 % of the floor's throughput on collect100.\n");
        if (args.length > 3 && Files.exists(Path.of(args[3]))) {
            md.append("\n").append(Files.readString(Path.of(args[3]), StandardCharsets.UTF_8));
        }
        System.out.println();
        System.out.println(md);
        Path out = Path.of(args[1]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println("written: " + out);
    }

    private static String score(JsonNode r) {
        if (r == null) {
            return "–";
        }
        JsonNode m = r.path("primaryMetric");
        double err = m.path("scoreError").asDouble();
        return String.format("%,.0f ± %,.0f", m.path("score").asDouble(), Double.isNaN(err) ? 0 : err);
    }
}
