package io.github.ttforwarder.security;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** A management interface bound to a non-loopback address without an admin token refuses to start. */
@QuarkusMainTest
@TestProfile(ExposedManagementTest.Profile.class)
class ExposedManagementTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.management.host", "0.0.0.0", "forwarder.admin.token", "",
                    "forwarder.dry-run.file", "target/test-data/exposed/dry-run.jsonl",
                    "forwarder.dead-letter.dir", "target/test-data/exposed/dead-letters");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void refusesToStart(LaunchResult result) {
        assertNotEquals(0, result.exitCode());
        String out = result.getOutput() + result.getErrorOutput();
        long lines = out.lines().filter(l -> l.contains("ERROR") && l.contains("forwarder.admin.token")).count();
        assertTrue(lines >= 1, out);
        assertTrue(out.contains("0.0.0.0"), out);
    }
}
