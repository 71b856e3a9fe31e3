package io.github.ttforwarder.rules;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reloads rule files while the forwarder runs: when a {@code *.yaml} or {@code *.xml} file in
 * {@code forwarder.rules.reload.directory} (default {@code routes}) is created or changed, its routes are
 * loaded again (Camel's {@link RouteWatcherReloadStrategy}); routes keep their ids, so an edited rule
 * replaces the old one and a new rule starts taking events. Removing a file does not stop its rules
 * (restart for that). Turned off with {@code forwarder.rules.reload.enabled=false}.
 *
 * <p>Camel Quarkus leaves Camel's own {@code camel.main.routes-reload-*} to Quarkus dev mode; this bean
 * brings the same watcher to the packaged application, where users edit rules without a rebuild.
 */
@ApplicationScoped
public class RuleFileReloader {

    private static final Logger LOG = Logger.getLogger(RuleFileReloader.class);

    @ConfigProperty(name = "forwarder.rules.reload.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "forwarder.rules.reload.directory", defaultValue = "routes")
    String directory;

    void onStart(@Observes CamelContextStartedEvent event) throws Exception {
        if (!enabled) {
            return;
        }
        Path dir = Path.of(directory);
        if (!Files.isDirectory(dir)) {
            LOG.warnf("Rule reload: %s is not a directory; rule files are not watched", dir.toAbsolutePath());
            return;
        }
        CamelContext camel = event.getContext();
        RouteWatcherReloadStrategy reload = new RouteWatcherReloadStrategy(dir.toAbsolutePath().toString(), false);
        reload.setPattern("*.yaml,*.xml");
        reload.setRemoveAllRoutes(false);
        camel.addService(reload, true, true);
        LOG.infof("Rule reload: watching %s for changed *.yaml and *.xml files", dir.toAbsolutePath());
    }
}
