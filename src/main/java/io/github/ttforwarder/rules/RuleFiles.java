package io.github.ttforwarder.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Loads the rule files of {@code forwarder.rules.directory} (default {@code routes}: {@code *.yaml}, {@code *.yml},
 * {@code *.xml}; Camel YAML/XML routes or compact {@code rule:} items, {@link CompactRules}) at start, and while the
 * forwarder runs checks the folder every second ({@code forwarder.rules.reload.enabled}, default true):
 * <ul>
 * <li>a new or changed file is parsed and checked ({@link RuleChecker}); each problem is logged as one line
 *     {@code routes/<file>:<line>: <what> (<rule id>)} — no stack trace. With an error the file is refused and its
 *     previous version stays active; otherwise its routes replace the previous ones;</li>
 * <li>a deleted or emptied file's rules are removed;</li>
 * <li>one broken file never holds up the others.</li>
 * </ul>
 * Rule routes get no error handler of their own: a failure goes back to {@link RuleEngine}, which isolates it.
 */
@ApplicationScoped
public class RuleFiles {

    private static final Logger LOG = Logger.getLogger(RuleFiles.class);
    private static final Pattern POSITION = Pattern.compile("@(\\d+):\\d+");
    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    @ConfigProperty(name = "forwarder.rules.directory", defaultValue = "routes")
    String directory;
    @ConfigProperty(name = "forwarder.rules.reload.enabled", defaultValue = "true")
    boolean reload;
    @ConfigProperty(name = "forwarder.rules.custom-events", defaultValue = "warn")
    String customEvents;
    @Inject
    CamelContext camel;
    @Inject
    RuleRegistry registry;

    /** Rule files loaded (at start and on reload) and refused, for the metrics. */
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicLong refusedFiles = new AtomicLong();

    /** @return rule files loaded so far (start and live reloads) */
    public long loadedCount() {
        return loaded.get();
    }

    /** @return rule files refused so far (syntax or check errors, routes that could not start) */
    public long refusedCount() {
        return refusedFiles.get();
    }

    /** What is known of one file. */
    private record FileState(String text, List<String> routeIds, List<RuleProblem> problems, boolean refused) {
    }

    private final Map<String, FileState> files = new TreeMap<>();
    private ScheduledExecutorService watcher;
    private final java.util.concurrent.CountDownLatch initialLoad = new java.util.concurrent.CountDownLatch(1);

    /**
     * Waits until the rule files were read once at start (consumers start with the Camel context, before that).
     *
     * @param timeoutMs longest wait, ms
     * @throws IllegalStateException when they were not read in time (or the wait was interrupted)
     */
    public void awaitInitialLoad(long timeoutMs) {
        if (initialLoad.getCount() == 0) {
            return;
        }
        try {
            if (initialLoad.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the rule files are not loaded yet");
    }

    void onStart(@Observes CamelContextStartedEvent event) {
        Path dir = Path.of(directory);
        if (!Files.isDirectory(dir)) {
            LOG.warnf("Rules: %s is not a directory; no rule files loaded", dir.toAbsolutePath());
        }
        try {
            scan();
        } catch (RuntimeException | LinkageError e) {
            LOG.errorf(e, "Rules: loading %s failed", dir.toAbsolutePath());
        } finally {
            initialLoad.countDown();
        }
        if (reload) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rule-files");
                t.setDaemon(true);
                return t;
            });
            watcher.scheduleWithFixedDelay(this::scanQuietly, 1, 1, TimeUnit.SECONDS);
            LOG.infof("Rules: watching %s for new, changed, emptied and deleted rule files", dir.toAbsolutePath());
        }
    }

    @PreDestroy
    void stop() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.errorf("Rules: scanning %s failed: %s", directory, RuleEngine.describe(e));
        }
    }

    /** Loads what changed since the last scan. */
    public synchronized void scan() {
        Path dir = Path.of(directory);
        Map<String, Path> present = new TreeMap<>();
        for (Path p : list(dir)) {
            present.put(displayName(dir, p), p);
        }
        for (String gone : new ArrayList<>(files.keySet())) {
            if (!present.containsKey(gone)) {
                remove(gone, "deleted");
                files.remove(gone);
            }
        }
        Map<String, String> changed = new TreeMap<>();
        for (Map.Entry<String, Path> e : present.entrySet()) {
            String text;
            try {
                text = Files.readString(e.getValue(), StandardCharsets.UTF_8);
            } catch (IOException ex) {
                continue; // being written; next scan
            }
            FileState old = files.get(e.getKey());
            if (old == null || !old.text.equals(text)) {
                changed.put(e.getKey(), text);
            }
        }
        if (!changed.isEmpty()) {
            // A refused file is checked again when another file changes: the route its to: direct:x needed may
            // have just arrived (or its duplicate route id just left).
            files.forEach((name, state) -> {
                if (state.refused && present.containsKey(name) && !changed.containsKey(name)) {
                    changed.put(name, state.text);
                }
            });
        }
        // Parse every changed file first, so a to: direct:x in one file finds the route reading direct:x in another
        // file of the same change, whatever their names' order (a file's own routes are counted by the checker anyway).
        Map<String, Parsed> parsed = new TreeMap<>();
        Set<String> pendingReads = new HashSet<>();
        changed.forEach((name, text) -> {
            if (!isBlank(text)) {
                Parsed p = parse(camel, present.get(name), name, text);
                parsed.put(name, p);
                if (p.routes != null) {
                    pendingReads.addAll(RuleChecker.endpointsRead(p.routes));
                }
            }
        });
        changed.forEach((name, text) -> load(name, text, parsed.get(name), pendingReads));
    }

    /** @return problems of every file, by file */
    public synchronized Map<String, List<RuleProblem>> problems() {
        Map<String, List<RuleProblem>> out = new TreeMap<>();
        files.forEach((f, s) -> out.put(f, s.problems));
        return out;
    }

    /**
     * @param parsed        the file parsed (null for an emptied file)
     * @param pendingDirects endpoints read by routes of the files changed in the same scan
     */
    private void load(String name, String text, Parsed parsed, Set<String> pendingDirects) {
        FileState old = files.get(name);
        if (parsed == null || isBlank(text)) {
            remove(name, "emptied");
            files.put(name, new FileState(text, List.of(), List.of(), false));
            return;
        }
        List<RuleProblem> problems = new ArrayList<>(parsed.problems);
        if (parsed.routes != null) {
            Set<String> otherIds = new HashSet<>();
            for (Route r : camel.getRoutes()) {
                if (old == null || !old.routeIds.contains(r.getRouteId())) {
                    otherIds.add(r.getRouteId());
                }
            }
            for (RouteDefinition d : parsed.routes) {
                if (d.getId() != null && otherIds.contains(d.getId())) {
                    problems.add(new RuleProblem(name, RuleChecker.lineOf(text, d.getId(), null, 1), true,
                            "route id '" + d.getId() + "' is already used by another rule file or route", d.getId()));
                }
            }
            Set<String> directs = directEndpoints(old);
            directs.addAll(pendingDirects);
            problems.addAll(checker().check(name, text, parsed.routes, directs));
        }
        boolean refused = parsed.routes == null || problems.stream().anyMatch(RuleProblem::error);
        for (RuleProblem p : problems) {
            if (p.error()) {
                LOG.error(p.toString());
            } else {
                LOG.warn(p.toString());
            }
        }
        if (refused) {
            refusedFiles.incrementAndGet();
            LOG.errorf("Rules: %s refused; %s", name, old != null && !old.routeIds.isEmpty()
                    ? "its previous version stays active (" + String.join(", ", old.routeIds) + ")" : "none of its rules are active");
            files.put(name, new FileState(text, old == null ? List.of() : old.routeIds, problems, true));
            return;
        }
        registry.hold();
        try {
            swap(name, text, parsed, problems);
        } finally {
            registry.release();
        }
    }

    private void swap(String name, String text, Parsed parsed, List<RuleProblem> problems) {
        remove(name, null);
        List<String> ids = new ArrayList<>();
        try {
            for (RouteDefinition d : parsed.routes) {
                if (d.getErrorHandlerFactory() == null) {
                    d.setErrorHandlerFactory(new NoErrorHandlerDefinition());
                }
                ids.add(d.getId());
            }
            model().addRouteDefinitions(parsed.routes);
            LOG.infof("Rules: %s loaded (%s)", name, String.join(", ", ids));
            loaded.incrementAndGet();
            files.put(name, new FileState(text, ids, problems, false));
        } catch (Exception e) {
            problems.add(new RuleProblem(name, 0, true, "could not start: " + RuleEngine.describe(e), null));
            LOG.errorf("%s:0: error: could not start its routes: %s", name, RuleEngine.describe(e));
            refusedFiles.incrementAndGet();
            removeIds(ids);
            files.put(name, new FileState(text, List.of(), problems, true));
        }
    }

    private void remove(String name, String why) {
        FileState old = files.get(name);
        if (old == null || old.routeIds.isEmpty()) {
            return;
        }
        removeIds(old.routeIds);
        if (why != null) {
            LOG.infof("Rules: %s %s; its rules are removed (%s)", name, why, String.join(", ", old.routeIds));
        }
    }

    private void removeIds(List<String> ids) {
        for (String id : ids) {
            try {
                RouteDefinition def = model().getRouteDefinition(id);
                if (def != null) {
                    model().removeRouteDefinition(def);
                }
                if (camel.getRoute(id) != null) {
                    camel.getRouteController().stopRoute(id);
                    camel.removeRoute(id);
                }
            } catch (Exception e) {
                LOG.errorf("Rules: could not remove rule %s: %s", id, RuleEngine.describe(e));
            }
        }
    }

    private Model model() {
        return camel.getCamelContextExtension().getContextPlugin(Model.class);
    }

    private RuleChecker checker() {
        return new RuleChecker(camel, RuleChecker.CustomEvents.parse(customEvents));
    }

    /** The {@code direct:} endpoints routes read now, leaving out the given file's own. */
    private Set<String> directEndpoints(FileState except) {
        Set<String> out = new HashSet<>();
        for (Route r : camel.getRoutes()) {
            String uri = r.getEndpoint().getEndpointUri();
            if (uri.startsWith("direct:") && (except == null || !except.routeIds.contains(r.getRouteId()))) {
                out.add(RuleChecker.strip(uri));
            }
        }
        return out;
    }

    // ---- shared with the command-line check ----

    /** A file's routes (null when it does not parse) and the problems found while parsing. */
    record Parsed(List<RouteDefinition> routes, List<RuleProblem> problems) {
    }

    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return Files.isRegularFile(p) && !n.startsWith(".")
                        && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".xml"));
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code <dir as configured>/<file name>}, e.g. {@code routes/my-rules.yaml}. */
    static String displayName(Path dir, Path file) {
        return dir.toString().replace('\\', '/') + "/" + file.getFileName();
    }

    /** A resource location such as {@code file:/app/routes/x.yaml} as {@code routes/x.yaml}. */
    static String displayName(String location) {
        if (location == null) {
            return null;
        }
        String l = location.replace('\\', '/');
        int slash = l.lastIndexOf('/');
        int prev = slash > 0 ? l.lastIndexOf('/', slash - 1) : -1;
        return prev >= 0 ? l.substring(prev + 1) : l.replaceFirst("^file:", "");
    }

    /** @return true when the file holds nothing but comments (an emptied file) */
    static boolean isBlank(String text) {
        String t = text.replaceAll("(?s)<!--.*?-->", "").replaceAll("(?s)<\\?xml.*?\\?>", "")
                .replaceAll("(?m)^\\s*#.*$", "").replaceAll("(?m)^\\s*---\\s*$", "").trim();
        return t.isEmpty() || t.equals("[]") || t.matches("(?s)<routes[^>]*/>") || t.matches("(?s)<routes[^>]*>\\s*</routes>");
    }

    /**
     * For tools that load rules without the watcher (benchmarks): a rule file's routes, compact form included.
     *
     * @param fileName e.g. {@code xdm-web-rules.yaml} (the extension picks the parser)
     * @throws IllegalArgumentException listing the problems when the file does not parse
     */
    public static List<RouteDefinition> definitions(CamelContext camel, String fileName, String text) {
        Parsed p = parse(camel, Path.of(fileName), fileName, text);
        if (p.routes == null) {
            throw new IllegalArgumentException(p.problems.toString());
        }
        return p.routes;
    }

    /** Parses one file into route definitions (not added to Camel). */
    static Parsed parse(CamelContext camel, Path path, String name, String text) {
        List<RuleProblem> problems = new ArrayList<>();
        String source = text;
        String ext = path.getFileName().toString().endsWith(".xml") ? "xml" : "yaml";
        if (ext.equals("yaml")) {
            try {
                Object doc = new Load(LoadSettings.builder().build()).loadFromString(text);
                if (CompactRules.isCompact(doc)) {
                    source = CompactRules.toRoutes(doc, name, text, problems);
                    if (!problems.isEmpty()) {
                        return new Parsed(null, problems);
                    }
                }
            } catch (RuntimeException e) {
                problems.add(syntax(name, text, e));
                return new Parsed(null, problems);
            }
        }
        Resource resource = ResourceHelper.fromString("file:" + path.toAbsolutePath().toString().replace('\\', '/')
                .replaceFirst("\\.yml$", ".yaml"), source);
        try {
            List<RouteDefinition> routes = new ArrayList<>();
            Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource));
            for (RoutesBuilder b : builders) {
                if (b instanceof RouteBuilder rb) {
                    for (RouteDefinition d : rb.configureRoutes(camel).getRoutes()) {
                        d.setResource(resource);
                        routes.add(d);
                    }
                }
            }
            return new Parsed(routes, problems);
        } catch (Exception e) {
            problems.add(syntax(name, text, e));
            return new Parsed(null, problems);
        }
    }

    /** One line for a parse error: the innermost message that has a line, without stack trace. */
    static RuleProblem syntax(String name, String text, Throwable e) {
        int line = 0;
        String message = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException m && m.getProblemMark().isPresent()) {
                line = m.getProblemMark().get().getLine() + 1;
                message = (m.getContext() == null ? "" : m.getContext() + ", ") + m.getProblem();
            } else if (t.getMessage() != null && line == 0) {
                Matcher lm = POSITION.matcher(t.getMessage());
                if (!lm.find()) {
                    lm = LINE.matcher(t.getMessage());
                }
                if (lm.find(0)) {
                    line = Integer.parseInt(lm.group(1));
                    message = t.getMessage().lines().findFirst().orElse("");
                }
            }
            if (t.getCause() == null && message == null) {
                message = t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).lines().findFirst().orElse("");
            }
        }
        if (message != null && message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return new RuleProblem(name, line, true, "does not parse: " + message, null);
    }
}
