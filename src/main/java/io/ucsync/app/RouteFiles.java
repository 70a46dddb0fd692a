package io.ucsync.app;

import io.ucsync.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RestConfiguration;
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
 * <p>
 * A file may hold route templates: ucsync makes a route from a template for each thing the configuration names (one
 * per T-Server, say; {@code templateInstances} says which), and Camel's {@code templatedRoute} entries of a file make
 * theirs. It may hold route configurations (error handling shared by routes of any file: every file's are added before
 * any route) and REST definitions (each verb a route; the OpenAPI document of the REST configuration's apiContextPath
 * describes them all). Reloading the file remakes them all.
 */
public final class RouteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);
    static final String SUFFIX = ".camel.yaml";

    private final CamelContext camel;
    private final Path directory;
    private final Function<String, Map<String, Map<String, Object>>> templateInstances;
    private final Map<Path, FileRoutes> loaded = new LinkedHashMap<>();

    /**
     * What one file holds.
     *
     * @param configurations its route configurations
     * @param rests     its REST definitions (their verbs' routes are among {@code routes})
     * @param routes    its routes
     * @param templates its route templates
     * @param instances the routes to make from its templates, by template id: route id, then the template's parameters
     * @param templated its own {@code templatedRoute} entries
     */
    private record FileRoutes(
            List<RouteConfigurationDefinition> configurations,
            List<RestDefinition> rests,
            List<RouteDefinition> routes,
            List<RouteTemplateDefinition> templates,
            Map<String, Map<String, Map<String, Object>>> instances,
            List<TemplatedRouteDefinition> templated) {

        List<String> configurationIds() {
            return configurations.stream()
                    .map(RouteConfigurationDefinition::getId)
                    .toList();
        }

        /** These route configurations (the ones in the model) with the routes of another reading of the same file. */
        FileRoutes withRoutesOf(FileRoutes reread) {
            return new FileRoutes(
                    configurations,
                    reread.rests(),
                    reread.routes(),
                    reread.templates(),
                    reread.instances(),
                    reread.templated());
        }

        /** Every route id the file makes, in the order they are made. */
        List<String> routeIds() {
            List<String> ids = new ArrayList<>(
                    routes.stream().map(RouteDefinition::getRouteId).toList());
            instances.values().forEach(byRoute -> ids.addAll(byRoute.keySet()));
            templated.forEach(route -> ids.add(route.getRouteId()));
            return ids;
        }

        List<String> templateIds() {
            return templates.stream().map(RouteTemplateDefinition::getId).toList();
        }
    }

    /**
     * @param templateInstances for a template id, the routes ucsync makes from it: route id, then the template's
     *                          parameters (none for a template the configuration does not know)
     */
    public RouteFiles(
            CamelContext camel, Path directory, Function<String, Map<String, Map<String, Object>>> templateInstances) {
        this.camel = camel;
        this.directory = directory.toAbsolutePath().normalize();
        this.templateInstances = templateInstances;
    }

    public Path directory() {
        return directory;
    }

    /** Loads every route file at start; an error in any of them stops the start. */
    public synchronized void loadAll() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(RouteFiles::isRouteFile).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(UcsyncSettings.ROUTES + "=" + directory
                    + ": no such directory (fix: point it at the" + " directory that holds the *" + SUFFIX
                    + " route files, e.g. the routes/ directory shipped with ucsync)"));
        }
        Map<Path, FileRoutes> read = new LinkedHashMap<>();
        for (Path file : files) {
            FileRoutes contents = read(file);
            read.put(file, contents);
            loaded.put(file, contents);
        }
        for (FileRoutes contents : read.values()) {
            model().addRouteConfigurations(contents.configurations());
        }
        for (Path file : files) {
            // read again, now that every route configuration is there: Camel applies them as it reads a route
            FileRoutes contents = read.get(file).withRoutesOf(read(file));
            read.put(file, contents);
            loaded.put(file, contents);
            addRoutes(contents);
            LOG.info("routes {} loaded from {}", contents.routeIds(), directory.relativize(file));
        }
        RestConfiguration rest = camel.getRestConfiguration();
        if (rest.getApiContextPath() != null
                && read.values().stream().anyMatch(contents -> !contents.rests().isEmpty())) {
            // one OpenAPI document for every REST definition, read when it is asked for: reloads keep it true
            model().addRouteDefinition(RestDefinition.asRouteApiDefinition(camel, rest));
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
        FileRoutes previous = loaded.get(file);
        if (!Files.exists(file)) {
            if (previous != null) {
                remove(previous);
                loaded.remove(file);
                LOG.info("route file {} removed: routes {} stopped and removed", name, previous.routeIds());
            }
            return true;
        }
        FileRoutes contents;
        try {
            contents = read(file);
        } catch (Exception e) {
            LOG.error("route file {} refused, the running routes are kept: {}", name, describe(e));
            return false;
        }
        if (previous != null) {
            remove(previous);
        }
        try {
            model().addRouteConfigurations(contents.configurations());
            if (!contents.configurations().isEmpty()) {
                contents = contents.withRoutesOf(read(file)); // its routes may use its own configurations
            }
            addRoutes(contents);
        } catch (Exception e) {
            remove(contents);
            if (previous != null) {
                restore(previous);
            }
            LOG.error(
                    "route file {} refused when starting its routes, the previous ones are back: {}",
                    name,
                    describe(e));
            return false;
        }
        loaded.put(file, contents);
        LOG.info("route file {} reloaded: routes {}", name, contents.routeIds());
        List<String> configurations = contents.configurationIds();
        List<Path> using = loaded.entrySet().stream()
                .filter(other -> !other.getKey().equals(file)
                        && other.getValue().routes().stream()
                                .anyMatch(route -> configurations.contains(route.getRouteConfigurationId())))
                .map(Map.Entry::getKey)
                .toList();
        // routes of other files take a changed route configuration when they are read again
        using.forEach(this::reload);
        return true;
    }

    /** Reads one file and checks its ids, without touching the running routes. */
    private FileRoutes read(Path file) throws Exception {
        Resource resource = ResourceHelper.resolveMandatoryResource(camel, "file:" + file);
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resource);
        List<RouteConfigurationDefinition> configurations = new ArrayList<>();
        List<RestDefinition> rests = new ArrayList<>();
        List<RouteDefinition> routes = new ArrayList<>();
        List<RouteTemplateDefinition> templates = new ArrayList<>();
        List<TemplatedRouteDefinition> templated = new ArrayList<>();
        for (RoutesBuilder builder : builders) {
            if (!(builder instanceof RouteBuilder routeBuilder)) {
                throw new IllegalArgumentException("not a route file: " + builder);
            }
            // the YAML DSL sets a file's restConfiguration on the context as it reads it
            routeBuilder.configureRoutes(camel);
            if (routeBuilder instanceof RouteConfigurationBuilder configurationBuilder) {
                configurationBuilder.configuration();
                configurations.addAll(
                        configurationBuilder.getRouteConfigurationCollection().getRouteConfigurations());
            }
            for (RestDefinition rest : routeBuilder.getRestCollection().getRests()) {
                rests.add(rest);
                routes.addAll(rest.asRouteDefinition(camel));
            }
            routes.addAll(routeBuilder.getRouteCollection().getRoutes());
            templates.addAll(routeBuilder.getRouteTemplateCollection().getRouteTemplates());
            templated.addAll(routeBuilder.getTemplatedRouteCollection().getTemplatedRoutes());
        }
        for (RouteConfigurationDefinition configuration : configurations) {
            if (configuration.getId() == null || configuration.getId().isBlank()) {
                throw new IllegalArgumentException(
                        "a route configuration has no id (fix: give every routeConfiguration an id)");
            }
        }
        Map<String, Map<String, Map<String, Object>>> instances = new LinkedHashMap<>();
        for (RouteTemplateDefinition template : templates) {
            if (template.getId() == null || template.getId().isBlank()) {
                throw new IllegalArgumentException("a route template has no id (fix: give every routeTemplate an id)");
            }
            instances.put(template.getId(), templateInstances.apply(template.getId()));
        }
        for (TemplatedRouteDefinition route : templated) {
            if (route.getRouteId() == null || route.getRouteId().isBlank()) {
                throw new IllegalArgumentException("a templatedRoute of template '" + route.getRouteTemplateRef()
                        + "' has no routeId (fix: give it one)");
            }
        }
        for (RouteDefinition route : routes) {
            if (route.getRouteId() == null || route.getRouteId().isBlank()) {
                throw new IllegalArgumentException(
                        "a route from " + route.getInput().getEndpointUri()
                                + " has no id (fix: give every route an id, every REST verb a routeId)");
            }
        }
        FileRoutes contents = new FileRoutes(configurations, rests, routes, templates, instances, templated);
        checkUnique(file, contents.routeIds(), "route id", FileRoutes::routeIds);
        checkUnique(file, contents.templateIds(), "route template id", FileRoutes::templateIds);
        checkUnique(file, contents.configurationIds(), "route configuration id", FileRoutes::configurationIds);
        return contents;
    }

    private void checkUnique(Path file, List<String> ids, String what, Function<FileRoutes, List<String>> idsOf) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new IllegalArgumentException(what + " '" + id + "' appears twice in the file");
            }
            for (Map.Entry<Path, FileRoutes> other : loaded.entrySet()) {
                if (!other.getKey().equals(file.toAbsolutePath().normalize())
                        && idsOf.apply(other.getValue()).contains(id)) {
                    throw new IllegalArgumentException(
                            what + " '" + id + "' is already used by " + directory.relativize(other.getKey()));
                }
            }
        }
    }

    /** Adds everything a file holds; its routes start at once when the context runs. */
    private void add(FileRoutes contents) throws Exception {
        model().addRouteConfigurations(contents.configurations());
        addRoutes(contents);
    }

    /** Adds a file's templates, REST definitions, routes and the routes made from templates. */
    private void addRoutes(FileRoutes contents) throws Exception {
        model().addRouteTemplateDefinitions(contents.templates());
        model().addRestDefinitions(contents.rests(), false);
        model().addRouteDefinitions(contents.routes());
        for (Map.Entry<String, Map<String, Map<String, Object>>> template :
                contents.instances().entrySet()) {
            for (Map.Entry<String, Map<String, Object>> route :
                    template.getValue().entrySet()) {
                model().addRouteFromTemplate(route.getKey(), template.getKey(), route.getValue());
            }
        }
        model().addRouteFromTemplatedRoutes(contents.templated());
    }

    private void remove(FileRoutes contents) {
        for (String id : contents.routeIds()) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
                RouteDefinition definition = model().getRouteDefinition(id);
                if (definition != null) {
                    model().removeRouteDefinition(definition);
                }
            } catch (Exception e) {
                LOG.warn("route {} could not be removed: {}", id, describe(e));
            }
        }
        for (String id : contents.templateIds()) {
            try {
                model().removeRouteTemplateDefinitions(id);
            } catch (Exception e) {
                LOG.warn("route template {} could not be removed: {}", id, describe(e));
            }
        }
        model().getRestDefinitions().removeAll(contents.rests());
        for (RouteConfigurationDefinition configuration : contents.configurations()) {
            try {
                model().removeRouteConfiguration(configuration);
            } catch (Exception e) {
                LOG.warn("route configuration {} could not be removed: {}", configuration.getId(), describe(e));
            }
        }
    }

    private void restore(FileRoutes previous) {
        try {
            add(previous);
        } catch (Exception e) {
            LOG.error("the previous routes {} could not be started again: {}", previous.routeIds(), describe(e));
        }
    }

    private Model model() {
        return camel.getCamelContextExtension().getContextPlugin(Model.class);
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
