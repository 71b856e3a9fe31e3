package io.github.ttforwarder.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What can be checked of the container and Kubernetes files without Docker (runs after {@code mvn package}):
 * every {@code COPY} source of the Dockerfiles exists (the native runner only after a native build), and the
 * Kubernetes manifest is valid YAML with a Deployment probing the management port, a Service, the token from a Secret
 * and application.properties / routes from ConfigMaps.
 */
class DeploymentFilesIT {

    private static List<String> copySources(Path dockerfile) throws IOException {
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.startsWith("COPY ")) {
                String[] parts = line.trim().split("\\s+");
                List<String> args = new ArrayList<>();
                for (int i = 1; i < parts.length; i++) {
                    if (!parts[i].startsWith("--")) {
                        args.add(parts[i]);
                    }
                }
                sources.addAll(args.subList(0, args.size() - 1));
            }
        }
        return sources;
    }

    private static boolean exists(String source) throws IOException {
        Path p = Path.of(source);
        String name = p.getFileName().toString();
        if (!name.contains("*")) {
            return Files.exists(p);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p.getParent(), name)) {
            return ds.iterator().hasNext();
        }
    }

    @Test
    void everyCopySourceOfTheJvmDockerfileExistsAfterPackage() throws Exception {
        List<String> sources = copySources(Path.of("src/main/docker/Dockerfile.jvm"));
        assertEquals(List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/", "application.properties", "routes/"), sources);
        for (String s : sources) {
            assertTrue(exists(s), s + " exists");
        }
    }

    @Test
    void theNativeDockerfileCopiesTheRunnerAndTheUsersFiles() throws Exception {
        List<String> sources = copySources(Path.of("src/main/docker/Dockerfile.native"));
        assertEquals(List.of("target/*-runner", "application.properties", "routes/"), sources);
        assertTrue(exists("application.properties") && exists("routes/"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKubernetesManifestIsValidAndProbesTheManagementPort() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(Path.of("deploy/kubernetes/forwarder.yaml")))
                .forEach(d -> docs.add((Map<String, Object>) d));
        assertEquals(List.of("ConfigMap", "Deployment", "Service"), docs.stream().map(d -> d.get("kind")).toList());
        Map<String, Object> config = (Map<String, Object>) docs.get(0).get("data");
        assertTrue(((String) config.get("application.properties")).contains("tiktok.access-token=${TIKTOK_ACCESS_TOKEN:}"));
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) docs.get(1).get("spec"))
                .get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        List<Map<String, Object>> ports = (List<Map<String, Object>>) container.get("ports");
        assertTrue(ports.contains(Map.of("name", "management", "containerPort", 9000)), ports.toString());
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            Map<String, Object> get = (Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet");
            assertEquals("management", get.get("port"), probe);
            assertTrue(((String) get.get("path")).startsWith("/q/health/"), probe);
        }
        String env = container.get("env").toString();
        assertTrue(env.contains("secretKeyRef={name=tiktok-forwarder-tokens, key=TIKTOK_ACCESS_TOKEN}"), env);
        assertFalse(env.matches("(?s).*TIKTOK_ACCESS_TOKEN, value=.*"), "no token value in the manifest");
        String mounts = container.get("volumeMounts").toString();
        assertTrue(mounts.contains("mountPath=/deployments/routes") && mounts.contains("subPath=application.properties"), mounts);
        String volumes = pod.get("volumes").toString();
        assertTrue(volumes.contains("name=tiktok-forwarder-routes") && volumes.contains("name=tiktok-forwarder-config"), volumes);
        Map<String, Object> service = (Map<String, Object>) docs.get(2).get("spec");
        assertEquals(Map.of("app", "tiktok-forwarder"), service.get("selector"));
    }
}
