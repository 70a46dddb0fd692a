package io.ucsync.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route files in routes/, loaded one file at a time, and reloaded one file at a time.
 * <p>
 * Camel 4.18's own reload removes every route before loading the files again, and a file with an error leaves the
 * application without routes (CAMEL-24860); adding a file can fail on duplicate ids (CAMEL-24866). Here a changed
 * file is first read and checked on its own (YAML and DSL errors, missing or duplicate route ids); only then are
 * that file's routes stopped and replaced, and if the new ones fail to start, the old ones are put back. The other
 * files' routes never stop. State lives in the engine and its store, and the components hold what arrives while a
 * route is replaced, so a reload loses nothing.
 */
public final class RouteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);
    static final String SUFFIX = ".camel.yaml";

    private final CamelContext camel;
    private final Path directory;
    private final Map<Path, List<String>> routeIdsByFile = new LinkedHashMap<>();

    public RouteFiles(CamelContext camel, Path directory) {
        this.camel = camel;
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    /** Loads every route file at start; an error in any of them stops the start. */
    public synchronized void loadAll() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(RouteFiles::isRouteFile).sorted().toList();
        }
        for (Path file : files) {
            List<RouteDefinition> routes = read(file);
            model().addRouteDefinitions(routes);
            routeIdsByFile.put(file, ids(routes));
            LOG.info("routes {} loaded from {}", ids(routes), directory.relativize(file));
        }
    }

    static boolean isRouteFile(Path file) {
        return file.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(file);
    }

    /**
     * Replaces the routes of one file by what it holds now; a file that is gone takes its routes with it.
     *
     * @return true when the file's new routes run, false when the file was refused and the old routes kept running
     */
    public synchronized boolean reload(Path changed) {
        Path file = changed.toAbsolutePath().normalize();
        String name = directory.relativize(file).toString();
        List<String> oldIds = routeIdsByFile.getOrDefault(file, List.of());
        if (!Files.exists(file)) {
            removeRoutes(oldIds);
            routeIdsByFile.remove(file);
            LOG.info("route file {} removed: routes {} stopped and removed", name, oldIds);
            return true;
        }
        List<RouteDefinition> routes;
        try {
            routes = read(file);
        } catch (Exception e) {
            LOG.error("route file {} refused, the running routes are kept: {}", name, describe(e));
            return false;
        }
        List<RouteDefinition> previous = new ArrayList<>();
        for (String id : oldIds) {
            RouteDefinition definition = model().getRouteDefinition(id);
            if (definition != null) {
                previous.add(definition);
            }
        }
        removeRoutes(oldIds);
        try {
            model().addRouteDefinitions(routes);
        } catch (Exception e) {
            removeRoutes(ids(routes));
            restore(previous);
            LOG.error("route file {} refused when starting its routes, the previous ones are back: {}", name, describe(e));
            return false;
        }
        routeIdsByFile.put(file, ids(routes));
        LOG.info("route file {} reloaded: routes {}", name, ids(routes));
        return true;
    }

    /** Reads one file into route definitions and checks their ids, without touching the running routes. */
    private List<RouteDefinition> read(Path file) throws Exception {
        Resource resource = ResourceHelper.resolveMandatoryResource(camel, "file:" + file);
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resource);
        List<RouteDefinition> routes = new ArrayList<>();
        for (RoutesBuilder builder : builders) {
            if (!(builder instanceof RouteBuilder routeBuilder)) {
                throw new IllegalArgumentException("not a route file: " + builder);
            }
            routes.addAll(routeBuilder.configureRoutes(camel).getRoutes());
        }
        Set<String> seen = new HashSet<>();
        for (RouteDefinition route : routes) {
            String id = route.getRouteId();
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a route from " + route.getInput().getEndpointUri() + " has no id (fix: give every route an id)");
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("route id '" + id + "' appears twice in the file");
            }
            for (Map.Entry<Path, List<String>> other : routeIdsByFile.entrySet()) {
                if (!other.getKey().equals(file.toAbsolutePath().normalize()) && other.getValue().contains(id)) {
                    throw new IllegalArgumentException("route id '" + id + "' is already used by " + directory.relativize(other.getKey()));
                }
            }
        }
        return routes;
    }

    private void removeRoutes(List<String> ids) {
        for (String id : ids) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
                model().removeRouteDefinition(model().getRouteDefinition(id));
            } catch (Exception e) {
                LOG.warn("route {} could not be removed: {}", id, describe(e));
            }
        }
    }

    private void restore(List<RouteDefinition> previous) {
        try {
            model().addRouteDefinitions(previous);
        } catch (Exception e) {
            LOG.error("the previous routes {} could not be started again: {}", ids(previous), describe(e));
        }
    }

    private Model model() {
        return camel.getCamelContextExtension().getContextPlugin(Model.class);
    }

    private static List<String> ids(List<RouteDefinition> routes) {
        return routes.stream().map(RouteDefinition::getRouteId).toList();
    }

    /** The innermost message, which names the line or the option at fault, without a stack trace. */
    static String describe(Throwable error) {
        Throwable cause = error;
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
