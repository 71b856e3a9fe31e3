package io.github.ttforwarder.rules;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.impl.DefaultCamelContext;

/**
 * The rule check for CI: {@code java -cp 'target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*'
 * io.github.ttforwarder.rules.RuleCheck [folder]} (or {@code ./check-rules [folder]}; default {@code routes}) parses and
 * checks every rule file as the forwarder does when it loads them, prints one line per problem
 * ({@code routes/<file>:<line>: error|warning: <what> (<rule id>)}) and exits 0 (no errors), 1 (errors) or 2 (no
 * such folder). Runs without starting the forwarder (no ports, no TikTok). {@code --custom-events=reject} (or
 * {@code FORWARDER_RULES_CUSTOM_EVENTS}) makes non-standard event names errors.
 */
public final class RuleCheck {

    private RuleCheck() {
    }

    public static void main(String... args) {
        System.exit(run(System.out, args));
    }

    /**
     * @param args {@code [folder] [--custom-events=allow|warn|reject]}
     * @return the exit code
     */
    public static int run(PrintStream out, String... args) {
        String folder = "routes";
        String custom = System.getenv().getOrDefault("FORWARDER_RULES_CUSTOM_EVENTS", "warn");
        for (String a : args) {
            if (a.startsWith("--custom-events=")) {
                custom = a.substring("--custom-events=".length());
            } else if (!a.startsWith("--")) {
                folder = a;
            }
        }
        Path dir = Path.of(folder);
        if (!Files.isDirectory(dir)) {
            out.println(folder + ": not a folder");
            return 2;
        }
        int errors = 0;
        int warnings = 0;
        int rules = 0;
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.build();
            List<RuleFiles.Parsed> parsed = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            Set<String> directs = new HashSet<>();
            directs.add(RulePlan.ACTION);
            directs.add("direct:tiktok-deliver");
            for (Path p : RuleFiles.list(dir)) {
                String name = RuleFiles.displayName(dir, p);
                String text = Files.readString(p, StandardCharsets.UTF_8);
                RuleFiles.Parsed r = RuleFiles.isBlank(text) ? new RuleFiles.Parsed(List.of(), List.of())
                        : RuleFiles.parse(camel, p, name, text);
                parsed.add(r);
                names.add(name);
                texts.add(text);
                if (r.routes() != null) {
                    directs.addAll(RuleChecker.endpointsRead(r.routes()));
                }
            }
            RuleChecker checker = new RuleChecker(camel, RuleChecker.CustomEvents.parse(custom));
            for (int i = 0; i < parsed.size(); i++) {
                List<RuleProblem> problems = new ArrayList<>(parsed.get(i).problems());
                if (parsed.get(i).routes() != null) {
                    problems.addAll(checker.check(names.get(i), texts.get(i), parsed.get(i).routes(), directs));
                    rules += parsed.get(i).routes().size();
                }
                for (RuleProblem p : problems) {
                    out.println(p);
                    if (p.error()) {
                        errors++;
                    } else {
                        warnings++;
                    }
                }
            }
        } catch (Exception e) {
            out.println(folder + ": the check failed: " + RuleEngine.describe(e));
            return 1;
        }
        out.printf("%s: %d rule(s), %d error(s), %d warning(s)%n", folder, rules, errors, warnings);
        return errors > 0 ? 1 : 0;
    }
}
