package io.github.ttforwarder.transport;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Two file-drop endpoints for {@link FileDropTest}, configured exactly as a user would: {@code drop} (NDJSON) and
 * {@code crm} (a semicolon CSV export with a column mapping and constants), in a fresh folder under target/.
 */
public class FileDropEndpoints implements QuarkusTestResourceLifecycleManager {

    static volatile Path root;

    @Override
    public Map<String, String> start() {
        root = Path.of("target", "test-data", "bus-" + UUID.randomUUID()).toAbsolutePath();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("forwarder.ingest.endpoints.drop.uri", "file:" + root.resolve("drop") + "?delay=100&readLockCheckInterval=100");
        cfg.put("forwarder.ingest.endpoints.drop.format", "ndjson");
        cfg.put("forwarder.ingest.endpoints.crm.uri", "file:" + root.resolve("crm") + "?delay=100&readLockCheckInterval=100");
        cfg.put("forwarder.ingest.endpoints.crm.format", "csv");
        cfg.put("forwarder.ingest.endpoints.crm.csv.separator", ";");
        cfg.put("forwarder.ingest.endpoints.crm.csv.columns",
                "event_id=Order ID,event_time=Date,user.email=E-Mail,user.phone=Phone,properties.value=Total");
        cfg.put("forwarder.ingest.endpoints.crm.csv.constants", "event=Purchase,properties.currency=EUR");
        return cfg;
    }

    @Override
    public void stop() {
    }
}
