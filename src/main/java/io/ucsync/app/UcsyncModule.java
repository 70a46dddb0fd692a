package io.ucsync.app;

import io.ucsync.cluster.ClusterHealthCheck;
import io.ucsync.cluster.ClusterNode;
import io.ucsync.cluster.ClusterOptions;
import io.ucsync.cluster.ClusterStatus;
import io.ucsync.cluster.PartitionOwnership;
import io.ucsync.cluster.SingleNode;
import io.ucsync.config.ConfigException;
import io.ucsync.config.PresenceMaps;
import io.ucsync.config.Roster;
import io.ucsync.config.RosterEntry;
import io.ucsync.dashboard.Dashboard;
import io.ucsync.dashboard.LabActions;
import io.ucsync.engine.SyncEngine;
import io.ucsync.engine.WorkerViews;
import io.ucsync.http.ApiAccess;
import io.ucsync.http.ApiAnswers;
import io.ucsync.http.HttpSessions;
import io.ucsync.kw.KwViews;
import io.ucsync.kw.PreviewOffers;
import io.ucsync.sip.SipPresenceComponent;
import io.ucsync.state.ChangeFeed;
import io.ucsync.state.PartitionEpochs;
import io.ucsync.state.PreviewOfferStore;
import io.ucsync.state.SessionStore;
import io.ucsync.state.StateDatabase;
import io.ucsync.state.StateStoreException;
import io.ucsync.state.StateThreads;
import io.ucsync.state.WorkerInbox;
import io.ucsync.state.WorkerRegistry;
import io.ucsync.state.WorkerStore;
import io.ucsync.timers.DurableTimers;
import io.ucsync.tlib.TlibComponent;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListener;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ucsync inside a CamelContext: reads and checks the configuration (a problem stops the start with the file, the line
 * and the fix), opens the state store and the timers, starts the embedded lab if asked; added to a context before it
 * starts, it binds the beans the routes call, and once the context has started it loads the route files, hands the
 * roster to the transports (SIP watch list, T-Server DN registrations) and watches the route and configuration files
 * for changes. {@link Connector} runs it on a camel-main of its own (the jar); an application with a Camel runtime of
 * its own (camel-main, Spring Boot) adds it to its context instead (src/main/docs/operations.md "Packaging and
 * deployment").
 */
public final class UcsyncModule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UcsyncModule.class);
    /** Where the routes send the engine's commands, and where timers come in. */
    static final String COMMANDS = "direct:commands";

    static final String TIMERS = "seda:timers";
    /** The route template of a T-Server's events (routes/tserver-events.camel.yaml). */
    static final String TSERVER_EVENTS = "tserver-events";
    /** The route template of a UC pool's presences (routes/presence-in.camel.yaml). */
    static final String PRESENCE_IN = "presence-in";
    /** Where webjars keep their files on the classpath. */
    private static final String WEBJARS = "META-INF/resources/webjars";

    private final UcsyncSettings settings;
    private final StateDatabase database;
    /** Which partitions of the workers this node acts for: all, alone; those the cluster service gives it, in a cluster. */
    private final PartitionOwnership ownership;

    private final PartitionEpochs epochs;
    private final WorkerStore store;
    private final WorkerRegistry registry;
    private final DurableTimers timers;
    private final PresenceMaps maps;
    /** The UC pools ucsync watches workers on: the named pools and, when a worker names none, the default one. */
    private final List<String> pools;

    private final SyncEngine engine;
    private final WorkerViews workerViews;
    private final EmbeddedLab lab;
    private final Dashboard dashboard;
    private final ClusterStatus clusterStatus;
    private final KwViews views;
    private final HttpSessions sessions;
    private final ApiAccess access;
    private final LabActions labActions;
    private final PreviewOffers offers;
    private final WorkerInputs inputs;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private OwnedPartitions partitions;
    /** What the other nodes of a cluster change in the store; null for a node alone. */
    private ChangeFeed changeFeed;
    /** Applies inputs other nodes left for this one, off the change feed's thread. */
    private ExecutorService inputsApplier;

    private FileWatcher watcher;
    /** The directories of the presence maps watched so far (a roster reload may name a map in another one). */
    private final Set<Path> mapDirectories = ConcurrentHashMap.newKeySet();

    private RouteFiles routeFiles;
    private CamelContext camel;
    private ProducerTemplate template;
    private boolean closed;

    private UcsyncModule(UcsyncSettings settings, Roster roster, PresenceMaps maps, List<String> pools)
            throws Exception {
        this.settings = settings;
        this.pools = pools;
        this.lab = settings.labEnabled() ? EmbeddedLab.start(settings, roster) : null;
        Clock clock = Clock.systemUTC();
        ClusterOptions cluster = settings.clusterEnabled() ? settings.clusterOptions() : null;
        try {
            this.database = StateDatabase.open(
                    settings.value(UcsyncSettings.STATE_JDBC_URL),
                    settings.value(UcsyncSettings.STATE_USER),
                    settings.value(UcsyncSettings.STATE_PASSWORD),
                    cluster == null ? 1 : cluster.partitions(),
                    cluster == null ? null : cluster.idleTransactionLimit());
        } catch (StateStoreException e) {
            // the start stops here: nothing of it may run on (an application that embeds ucsync carries on)
            if (lab != null) {
                lab.close();
            }
            throw e;
        }
        this.epochs = new PartitionEpochs(database, clock);
        this.ownership = cluster == null ? new SingleNode(epochs, settings.nodeId()) : new ClusterNode(cluster, epochs);
        this.store = new WorkerStore(database, cluster != null);
        this.registry = new WorkerRegistry(store, ownership, settings.intValue(UcsyncSettings.WORKER_LANES), clock);
        this.timers = new DurableTimers(
                database,
                ownership.partitioning(),
                cluster == null ? null : cluster.nodeId(),
                fired -> template.sendBody(TIMERS, fired));
        this.maps = maps;
        this.engine = new SyncEngine(
                roster,
                maps,
                settings.engineOptions(),
                registry,
                timers,
                clock,
                cluster == null ? null : cluster.requestSendLimit());
        this.workerViews = new WorkerViews(engine::roster, maps, settings.engineOptions(), registry, clock);
        this.offers = new PreviewOffers(new PreviewOfferStore(database), clock, engine::isRostered);
        this.views = new KwViews(workerViews, offers, ownership, clock);
        this.clusterStatus = new ClusterStatus(ownership, epochs);
        this.sessions = new HttpSessions(new SessionStore(database), clock, settings.sessionTimeout());
        this.inputs = new WorkerInputs(
                engine,
                ownership,
                new WorkerInbox(database),
                clock,
                settings.subscribeWhileSignedIn(),
                new WorkerInputs.Subscriptions() {
                    @Override
                    public void watch(String worker) {
                        engine.roster()
                                .bySipUri(worker)
                                .ifPresent(entry -> partitions
                                        .agentOf(entry.poolOrDefault())
                                        .watch(List.of(worker)));
                    }

                    @Override
                    public void unwatch(String worker) {
                        engine.roster()
                                .bySipUri(worker)
                                .ifPresent(entry -> partitions
                                        .agentOf(entry.poolOrDefault())
                                        .unwatch(List.of(worker)));
                    }
                },
                commands -> template.sendBody(COMMANDS, commands),
                this::readAgain);
        sessions.setOnLastSessionEnded(worker -> inputs.signedOut(worker, "the KW-page session expired"));
        this.access = new ApiAccess(
                engine::roster,
                sessions,
                settings.value(UcsyncSettings.PREVIEW_API_TOKEN),
                settings.value(UcsyncSettings.DASHBOARD_PASSWORD),
                clock,
                inputs::signedIn,
                worker -> inputs.signedOut(worker, "signed out of the KW page"));
        this.labActions = new LabActions(
                settings.dashboardControl(UcsyncSettings.DASHBOARD_FRONTEND_CONTROL),
                settings.dashboardControl(UcsyncSettings.DASHBOARD_TSERVER_CONTROL),
                engine::isRostered);
        this.dashboard = Dashboard.of(
                engine,
                workerViews,
                timers,
                views::view,
                () -> camel.getComponent("tlib", TlibComponent.class).links(),
                () -> camel.getComponent("sip-presence", SipPresenceComponent.class)
                        .agents(),
                access::isOperator,
                ownership,
                clusterStatus,
                clock);
        engine.setMetrics(dashboard.history());
        registry.setChangeListener(dashboard.feed()::workerChanged);
        offers.setChangeListener(dashboard.feed()::workerChanged);
    }

    /**
     * Adds ucsync to a context that has not started yet: the beans its routes call, its ucsync.* properties for
     * their placeholders, the rest of its start once the context has started, and its stop with the context's.
     * If the rest of its start fails (a route file, an endpoint), the context's start fails with it and the context
     * stops: an application does not run on without the ucsync it was given.
     */
    public void addTo(CamelContext camel) throws Exception {
        if (camel.isStarted()) {
            throw new IllegalStateException(
                    "ucsync must be added to CamelContext " + camel.getName() + " before it starts");
        }
        this.camel = camel;
        camel.getRegistry().bind("engine", engine);
        camel.getRegistry().bind("workerInputs", inputs);
        camel.getRegistry().bind("clusterStatus", clusterStatus);
        camel.getRegistry().bind("previewOffers", offers);
        camel.getRegistry().bind("kwViews", views);
        camel.getRegistry().bind("apiAccess", access);
        camel.getRegistry().bind("apiAnswers", new ApiAnswers());
        camel.getRegistry().bind("httpSessions", sessions);
        camel.getRegistry().bind("labActions", labActions);
        camel.getRegistry().bind("dashboardFeed", dashboard.feed());
        camel.getRegistry().bind("dashboardViews", dashboard.views());
        settings.asProperties().forEach((key, value) -> {
            if (key.toString().startsWith("ucsync.")) {
                camel.getPropertiesComponent().addInitialProperty(key.toString(), value.toString());
            }
        });
        camel.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // the routes are not running yet: ucsync's start follows once they are
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                try {
                    onStarted(context);
                    started.complete(null);
                } catch (Exception e) {
                    started.completeExceptionally(e);
                    // the links, the SIP user agents and the lab must not run on without ucsync's routes
                    context.stop();
                    throw e;
                }
            }
        });
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                UcsyncModule.this.close();
            }
        });
    }

    /** For an application's own camel-main: adds ucsync to its context before the context is configured. */
    public MainListener mainListener() {
        return new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport main) {
                try {
                    addTo(main.getCamelContext());
                } catch (Exception e) {
                    throw RuntimeCamelException.wrapRuntimeCamelException(e);
                }
            }
        };
    }

    /** Completes once ucsync has started in its context, or fails with why it could not. */
    public CompletableFuture<Void> started() {
        return started;
    }

    UcsyncSettings settings() {
        return settings;
    }

    /**
     * Reads the configuration (ucsync's application.properties) and builds ucsync, ready to be added to a context.
     *
     * @throws ConfigException     naming each problem with its file, line and fix
     * @throws StateStoreException in one line, when the state store cannot be reached or migrated
     */
    public static UcsyncModule create(Path configFile) throws Exception {
        UcsyncSettings settings = UcsyncSettings.load(configFile);
        Roster roster = loadRoster(settings);
        PresenceMaps maps = PresenceMaps.load(settings.path(UcsyncSettings.PRESENCE_MAP), roster);
        List<String> pools = new ArrayList<>(settings.namedPools());
        if (pools.isEmpty() || roster.entries().stream().anyMatch(worker -> worker.pool() == null)) {
            pools.add(0, RosterEntry.DEFAULT_POOL);
        }
        List<String> problems = new ArrayList<>();
        for (String pool : pools) {
            for (String required : List.of("server", "user")) {
                if (!settings.poolOptions(pool).containsKey(required)) {
                    problems.add(settings.file().getFileName() + ": UC pool '" + pool + "' has no " + required
                            + " (fix: set "
                            + UcsyncSettings.UC_PREFIX + (pool.equals(RosterEntry.DEFAULT_POOL) ? "" : pool + ".")
                            + required
                            + (required.equals("server") ? "=host:port[,host:port]" : "=sip:ucsync@your.domain") + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new UcsyncModule(settings, roster, maps, List.copyOf(pools));
    }

    private static Roster loadRoster(UcsyncSettings settings) throws ConfigException {
        return Roster.load(
                settings.path(UcsyncSettings.ROSTER),
                Set.copyOf(settings.tserverNames()),
                Set.copyOf(settings.namedPools()));
    }

    /** The embedded lab, or null when ucsync talks to real servers. */
    public EmbeddedLab lab() {
        return lab;
    }

    private void onStarted(CamelContext camel) throws Exception {
        StateThreads threads = stateThreads(camel.getExecutorServiceManager());
        registry.start(threads);
        template = camel.createProducerTemplate();
        // the link of each configured T-Server and the user agent of each UC pool, before the routes: their
        // tlib:<name> and sip-presence:<pool> endpoints share them
        for (String name : settings.tserverNames()) {
            camel.getEndpoint("tlib:" + name + "?"
                    + URISupport.createQueryString(new TreeMap<String, Object>(settings.tserverOptions(name))));
        }
        for (String pool : pools) {
            camel.getEndpoint("sip-presence:" + pool + "?"
                    + URISupport.createQueryString(new TreeMap<String, Object>(settings.poolOptions(pool))));
        }
        // the routes before the partitions: a worker is acted for only once their T-Server has reported them after the
        // DN's registration, and the first event the routes take (an EventLinkConnected the link held) finds no
        // worker this node acts for yet
        routeFiles = new RouteFiles(camel, settings.path(UcsyncSettings.ROUTES), this::templateInstances);
        routeFiles.loadAll();
        partitions = new OwnedPartitions(
                camel,
                engine,
                ownership.partitioning(),
                store,
                registry,
                timers,
                sessions,
                inputs,
                pools,
                settings.subscribeWhileSignedIn(),
                commands -> template.sendBody(COMMANDS, commands));
        if (ownership instanceof ClusterNode clusterNode) {
            // before the first partition: a change another node makes from then on is heard
            inputsApplier = threads.newSingleThreadExecutor("worker-inputs");
            changeFeed = new ChangeFeed(database, new OtherNodesChanges(), threads);
            changeFeed.start();
            HealthCheckRegistry.get(camel).register(new ClusterHealthCheck(clusterNode));
        }
        ownership.start(camel, partitions);
        ConnectorMetrics metrics = ConnectorMetrics.register(camel, timers, ownership, dashboard.board());
        if (metrics != null) {
            engine.setMetrics(dashboard.history().alongside(metrics));
        }
        String dashboardAddress = serveDashboardFeed(camel);
        watcher = new FileWatcher(camel.getExecutorServiceManager());
        watcher.watch(routeFiles.directory(), RouteFiles::isRouteFile, routeFiles::reload);
        Path roster = settings.path(UcsyncSettings.ROSTER).toAbsolutePath().normalize();
        watcher.watch(roster.getParent(), roster::equals, file -> onRosterChanged(camel));
        watchMapDirectories();
        watcher.start();
        logHttpEndpoints(camel);
        LOG.info(
                "ucsync ready: {} workers, T-Servers {}, UC pools {}{}",
                engine.roster().entries().size(),
                settings.tserverNames(),
                pools.stream()
                        .map(pool -> pool + " " + settings.poolOptions(pool).get("server"))
                        .toList(),
                dashboardAddress == null
                        ? ""
                        : "; dashboard " + dashboardAddress
                                + " (operator password: " + UcsyncSettings.DASHBOARD_PASSWORD + " in "
                                + settings.file().getFileName()
                                + (settings.value(UcsyncSettings.DASHBOARD_PASSWORD)
                                                .isEmpty()
                                        ? ", not set: sign-in refused)"
                                        : ")"));
    }

    /** The threads of ucsync's state (the worker lanes, the change feed) from the context's ExecutorServiceManager. */
    private StateThreads stateThreads(ExecutorServiceManager manager) {
        return new StateThreads() {
            @Override
            public ExecutorService newSingleThreadExecutor(String name) {
                return manager.newSingleThreadExecutor(UcsyncModule.this, name);
            }

            @Override
            public void shutdownGraceful(ExecutorService executor, long timeoutMillis) {
                manager.shutdownGraceful(executor, timeoutMillis);
            }
        };
    }

    /**
     * The routes ucsync makes from the route templates it knows, for what the configuration names: one
     * {@value #TSERVER_EVENTS} route per T-Server ({@code tserver} = its name), one {@value #PRESENCE_IN} route per
     * UC pool ({@code pool} = its name).
     */
    private Map<String, Map<String, Object>> templateInstances(String templateId) {
        Map<String, Map<String, Object>> routes = new LinkedHashMap<>();
        if (templateId.equals(TSERVER_EVENTS)) {
            settings.tserverNames().forEach(name -> routes.put(TSERVER_EVENTS + "-" + name, Map.of("tserver", name)));
        } else if (templateId.equals(PRESENCE_IN)) {
            pools.forEach(pool -> routes.put(PRESENCE_IN + "-" + pool, Map.of("pool", pool)));
        }
        return routes;
    }

    /**
     * The HTTP endpoints once every route is up, with the address each server is bound to (Camel's own summary comes
     * once per route added and names 0.0.0.0 whatever the host; the jar's logging keeps it out).
     */
    private static void logHttpEndpoints(CamelContext camel) {
        for (VertxPlatformHttpRouter router : camel.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            StringBuilder summary = new StringBuilder((router.isManagementServer() ? "management" : "HTTP")
                    + " endpoints on http://" + router.getServer().getHost() + ":"
                    + router.getServer().getPort() + ":");
            router.getRoutes().stream()
                    .filter(route -> route.getPath() != null)
                    .sorted(Comparator.comparing(Route::getPath))
                    .forEach(route -> summary.append(System.lineSeparator())
                            .append("    ")
                            .append(route.getPath())
                            .append(route.methods() == null ? "" : "  " + route.methods()));
            LOG.info("{}", summary);
        }
    }

    /**
     * Serves the dashboard's live feed, and the web libraries its page and the API's documentation load (webjars:
     * uPlot, swagger-ui, under /webjars/), beside the routes on platform-http's Vert.x server (camel-main's, or one the
     * application added); its address, or null without one.
     */
    private String serveDashboardFeed(CamelContext camel) {
        VertxPlatformHttpRouter router = camel.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .filter(candidate -> !candidate.isManagementServer())
                .findFirst()
                .orElse(null);
        if (router == null) {
            LOG.info("no Vert.x HTTP server for platform-http (camel.server.enabled=false?): no dashboard");
            return null;
        }
        dashboard.feed().attach(router);
        router.route("/webjars/*").handler(StaticHandler.create(WEBJARS));
        return "http://" + router.getServer().getHost() + ":"
                + router.getServer().getPort() + "/dashboard";
    }

    /** Reads a worker's facts and offer again from the store, as the owner (another node) saved them. */
    private void readAgain(String worker) {
        try {
            registry.refresh(store.load(List.of(worker))).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("{}: not read again: {}", worker, e.getMessage());
        }
        offers.refresh(List.of(worker));
    }

    /** What the other nodes of the cluster changed: shown here, and inputs they left applied when this node owns them. */
    private final class OtherNodesChanges implements ChangeFeed.Listener {
        @Override
        public void workersChanged(Set<String> sipUris) {
            List<String> others = sipUris.stream()
                    .filter(engine::isRostered)
                    .filter(worker -> !ownership.holds(worker))
                    .toList();
            try {
                if (!others.isEmpty()) {
                    registry.refresh(store.load(others));
                }
            } catch (SQLException e) {
                LOG.debug("changes of other nodes not read yet: {}", e.getMessage());
            }
        }

        @Override
        public void offersChanged(Set<String> sipUris) {
            offers.refresh(sipUris);
        }

        @Override
        public void inputsWaiting(Set<Integer> partitionNumbers) {
            partitionNumbers.stream()
                    .filter(ownership.acting()::contains)
                    .forEach(partition -> inputsApplier.execute(() -> inputs.applyWaiting(partition)));
        }

        @Override
        public void resumed() {
            Set<String> everyone = Set.copyOf(
                    engine.roster().entries().stream().map(RosterEntry::sipUri).toList());
            workersChanged(everyone);
            offersChanged(everyone);
            inputsWaiting(ownership.acting());
        }
    }

    /**
     * A changed roster is used once it and the maps it names are valid; a worker the new roster gives another map is
     * reconciled with it.
     */
    private void onRosterChanged(CamelContext camel) {
        Roster roster;
        try {
            roster = loadRoster(settings);
            List<String> outside = roster.entries().stream()
                    .filter(worker -> !pools.contains(worker.poolOrDefault()))
                    .map(worker -> worker.sipUri() + " (pool " + worker.poolOrDefault() + ")")
                    .toList();
            if (!outside.isEmpty()) {
                throw new ConfigException(
                        List.of(settings.path(UcsyncSettings.ROSTER).getFileName() + ": " + outside
                                + " in a UC pool ucsync does not run (fix: restart ucsync to start the pool, or name one of "
                                + pools + ")"));
            }
            maps.loadNamedBy(roster);
        } catch (ConfigException e) {
            LOG.error("roster refused, the previous one stays in force:{}{}", System.lineSeparator(), e.getMessage());
            return;
        }
        Roster before = engine.roster();
        engine.setRoster(roster);
        try {
            partitions.rosterChanged(before);
        } catch (SQLException e) {
            LOG.error(
                    "roster reloaded, but who is signed in cannot be read: the watch list follows once the store answers ({})",
                    e.getMessage());
        }
        dashboard.feed().rosterChanged();
        LOG.info("roster reloaded: {} workers", roster.entries().size());
        try {
            watchMapDirectories();
        } catch (IOException e) {
            LOG.error(
                    "cannot watch the directory of a presence map: its changes apply only after a restart: {}",
                    e.getMessage());
        }
        List<RosterEntry> remapped = roster.entries().stream()
                .filter(worker -> before.bySipUri(worker.sipUri())
                        .filter(earlier -> !maps.fileOf(earlier).equals(maps.fileOf(worker)))
                        .isPresent())
                .toList();
        if (!remapped.isEmpty()) {
            template.sendBody(COMMANDS, engine.reconcile(remapped, "another presence map in the roster"));
        }
    }

    /** A changed presence map applies at once to the workers it decides for, and only to them. */
    private void onMapChanged(Path file) {
        Path changed = file.toAbsolutePath().normalize();
        try {
            maps.reload(changed);
        } catch (ConfigException e) {
            LOG.error(
                    "presence map {} refused, the last good version stays in force for its workers:{}{}",
                    changed,
                    System.lineSeparator(),
                    e.getMessage());
            return;
        }
        List<RosterEntry> workers = engine.roster().entries().stream()
                .filter(worker -> maps.fileOf(worker).equals(changed))
                .toList();
        LOG.info("presence map {} reloaded; its {} workers reconciled", changed, workers.size());
        template.sendBody(COMMANDS, engine.reconcile(workers, "presence map " + changed.getFileName() + " reloaded"));
    }

    /** Watches the directory of every presence map loaded, each directory once. */
    private void watchMapDirectories() throws IOException {
        for (Path file : maps.files()) {
            Path directory = file.getParent();
            if (!mapDirectories.contains(directory)) {
                watcher.watch(directory, maps::isMapFile, this::onMapChanged);
                mapDirectories.add(directory);
            }
        }
    }

    public SyncEngine engine() {
        return engine;
    }

    public WorkerViews workerViews() {
        return workerViews;
    }

    public CamelContext camelContext() {
        return camel;
    }

    /** Stops the file watching, the timers, the lanes, the store and the lab; the context stops the routes and links. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (watcher != null) {
                watcher.close();
            }
            if (changeFeed != null) {
                changeFeed.close();
            }
            if (inputsApplier != null) {
                // the inputs being applied finish before the lanes they change stop
                camel.getExecutorServiceManager().shutdownGraceful(inputsApplier);
            }
            ownership.close();
            timers.close();
            registry.close();
            store.close();
            database.close();
        } catch (Exception e) {
            LOG.warn("stopping ucsync: {}", RouteFiles.describe(e));
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }
}
