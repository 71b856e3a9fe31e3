package io.github.ttforwarder.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CI rule check ({@code --check-rules}) on the shipped rules and on a broken folder; no Quarkus. */
class RuleCheckTest {

    static String run(int[] code, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        code[0] = RuleCheck.run(new PrintStream(out, true, StandardCharsets.UTF_8), args);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theShippedRulesPass() {
        int[] code = {-1};
        String out = run(code, "routes");
        assertEquals(0, code[0], out);
        assertTrue(out.contains("routes: 7 rule(s), 0 error(s), 0 warning(s)"), out);
    }

    @Test
    void aBadFileFailsTheCheckWithOneLinePerProblem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.yaml"), """
                - rule:
                    id: good
                    on: x
                    event: Lead
                """);
        Files.writeString(dir.resolve("bad.yaml"), """
                - rule:
                    id: bad
                    on: x
                    event: Purchse
                    fields:
                      properties.qurey: "${body[q]}"
                """);
        Files.writeString(dir.resolve("broken.xml"), """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="x" group="tiktok-rules">
                    <from uri="direct:x"/>
                  </rout>
                </routes>
                """);
        int[] code = {-1};
        String out = run(code, dir.toString());
        assertEquals(1, code[0], out);
        String d = dir.toString();
        assertTrue(out.contains(d + "/bad.yaml:4: warning: 'Purchse' is not a TikTok standard event (did you mean Purchase?)"), out);
        assertTrue(out.contains(d + "/bad.yaml:6: error: unknown field 'properties.qurey': the mapping never reads it "
                + "(did you mean properties.query?) (bad)"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith(d + "/broken.xml:4: error: does not parse")), out);
        assertTrue(out.contains("2 rule(s), 2 error(s), 1 warning(s)"), out);
        assertTrue(out.lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace");
        // custom events rejected: the misspelt name becomes an error too
        out = run(code, dir.toString(), "--custom-events=reject");
        assertEquals(1, code[0]);
        assertTrue(out.contains(d + "/bad.yaml:4: error: 'Purchse' is not a TikTok standard event (did you mean Purchase?); "
                + "custom events are refused (forwarder.rules.custom-events=reject) (bad)"), out);
        Files.delete(dir.resolve("bad.yaml"));
        Files.delete(dir.resolve("broken.xml"));
        out = run(code, dir.toString());
        assertEquals(0, code[0], out);
    }
}
