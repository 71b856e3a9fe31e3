package io.github.ttforwarder.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples ({@code jdk.ExecutionSample}): the top methods by self time and by
 * total (inclusive) time, in % of samples. {@code java -cp benchmarks.jar io.github.ttforwarder.bench.JfrTop
 * profile.jfr [n]}. Inclusive times are printed only for the forwarder's, Camel's, Jackson's, libphonenumber's
 * and the JDK's crypto/time code, where the architecture's costs show.
 */
public final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        Map<String, Integer> topFrameType = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            topFrameType.merge(frames.get(0).getType(), 1, Integer::sum);
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String m = name(f);
                if (seen.add(m)) {
                    total.merge(m, 1, Integer::sum);
                }
            }
        }
        System.out.printf("%d CPU samples; top frame: %s%n%nTop %d by self time:%n", samples, percent(topFrameType, samples), n);
        print(self, samples, n, null);
        System.out.printf("%nTop %d by total time (forwarder, Camel, Jackson, libphonenumber, JDK crypto/time/UUID):%n", 2 * n);
        print(total, samples, 2 * n, m -> m.startsWith("io.github.ttforwarder") || m.startsWith("org.apache.camel")
                || m.startsWith("com.fasterxml") || m.startsWith("com.google.i18n") || m.startsWith("java.security")
                || m.startsWith("sun.security") || m.startsWith("java.time") || m.startsWith("java.util.UUID"));
    }

    private static void print(Map<String, Integer> counts, int samples, int n, java.util.function.Predicate<String> filter) {
        counts.entrySet().stream()
                .filter(e -> filter == null || filter.test(e.getKey()))
                .sorted((a, b) -> b.getValue() - a.getValue())
                .limit(n)
                .forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }

    private static String percent(Map<String, Integer> counts, int samples) {
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format("%.0f%%", 100.0 * v / samples)));
        return sb.toString();
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
