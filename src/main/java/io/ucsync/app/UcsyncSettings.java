package io.ucsync.app;

import io.ucsync.cluster.ClusterOptions;
import io.ucsync.config.ConfigException;
import io.ucsync.config.EngineOptions;
import io.ucsync.config.RosterEntry;
import io.ucsync.sip.SipPresenceEndpointUriFactory;
import io.ucsync.state.StateDatabase;
import io.ucsync.tlib.TlibEndpointUriFactory;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * config/application.properties: where the UC front end and the T-Servers are, the files of the roster and the presence
 * map, the state database, the embedded lab, and the engine's options ({@link EngineOptions}). Every key has a default,
 * stated once, in {@link #DEFAULTS} (the endpoint options' in their component); camel.* keys go to camel-main as they
 * are.
 */
public final class UcsyncSettings {

    static final String LAB_ENABLED = "ucsync.lab.enabled";
    static final String LAB_TSERVER_PORT = "ucsync.lab.tserver-port";
    static final String LAB_FRONTEND_PORT = "ucsync.lab.frontend-port";
    static final String LAB_TSERVER_CONTROL_PORT = "ucsync.lab.tserver-control-port";
    static final String LAB_FRONTEND_CONTROL_PORT = "ucsync.lab.frontend-control-port";
    /** Options of the UC pools' sip-presence endpoints: {@code ucsync.uc.<option>}, {@code ucsync.uc.<pool>.<option>}. */
    static final String UC_PREFIX = "ucsync.uc.";
    /** The pool of workers whose roster line names none, configured by {@code ucsync.uc.<option>}. */
    static final String DEFAULT_POOL = RosterEntry.DEFAULT_POOL;

    /** Options every sip-presence endpoint shares, set on the component: {@code <prefix><option>}. */
    static final String UC_COMPONENT_PREFIX = "camel.component.sip-presence.configuration.";
    /** Options every tlib endpoint shares, set on the component: {@code <prefix><option>}. */
    static final String TSERVER_COMPONENT_PREFIX = "camel.component.tlib.configuration.";

    static final String TSERVERS = "ucsync.tservers";
    static final String TSERVER_PREFIX = "ucsync.tserver.";
    static final String ROSTER = "ucsync.roster";
    static final String PRESENCE_MAP = "ucsync.presence-map";
    static final String ROUTES = "ucsync.routes";
    static final String STATE_JDBC_URL = "ucsync.state.jdbc-url";
    static final String STATE_USER = "ucsync.state.user";
    static final String STATE_PASSWORD = "ucsync.state.password";
    static final String WORKER_LANES = "ucsync.worker-lanes";
    static final String KW_SUBSCRIBE = "ucsync.kw.subscribe";
    static final String SESSION_TIMEOUT = "ucsync.kw.session-timeout";
    static final String PREVIEW_API_TOKEN = "ucsync.kw.preview-api-token";
    static final String DASHBOARD_PASSWORD = "ucsync.dashboard.password";
    static final String DASHBOARD_FRONTEND_CONTROL = "ucsync.dashboard.frontend-control";
    static final String DASHBOARD_TSERVER_CONTROL = "ucsync.dashboard.tserver-control";
    static final String CLUSTER_ENABLED = "ucsync.cluster.enabled";
    static final String CLUSTER_SERVICE = "ucsync.cluster.service";
    static final String CLUSTER_ZOOKEEPER = "ucsync.cluster.zookeeper";
    static final String CLUSTER_FILE_ROOT = "ucsync.cluster.file-root";
    static final String CLUSTER_NODE_ID = "ucsync.cluster.node-id";
    static final String CLUSTER_PARTITIONS = "ucsync.cluster.partitions";
    static final String CLUSTER_SESSION_TIMEOUT = "ucsync.cluster.session-timeout";
    /** The most partitions a cluster may have: each costs every node an election and, where owned, a Quartz scheduler. */
    static final int MAX_PARTITIONS = 256;
    /** Derived, for the routes: how often idle sessions are looked for, a quarter of the timeout, 1 s to 1 min. */
    static final String SESSION_SWEEP_MILLIS = "ucsync.kw.session-sweep-millis";

    /**
     * The connector's own keys and their defaults (the engine options have theirs in EngineOptions): the one place they
     * are stated; UcsyncSettingsTest checks the shipped application.properties and src/main/docs/configuration.md
     * against them.
     */
    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(LAB_ENABLED, "true"),
            Map.entry(LAB_TSERVER_PORT, "7000"),
            Map.entry(LAB_FRONTEND_PORT, "5070"),
            Map.entry(LAB_TSERVER_CONTROL_PORT, "7001"),
            Map.entry(LAB_FRONTEND_CONTROL_PORT, "5071"),
            Map.entry(TSERVERS, "main"),
            Map.entry(TSERVER_PREFIX + "main.endpoints", "127.0.0.1:7000"),
            Map.entry(ROSTER, "config/roster.csv"),
            Map.entry(PRESENCE_MAP, "config/presence-map.txt"),
            Map.entry(ROUTES, "routes"),
            Map.entry(STATE_JDBC_URL, "jdbc:h2:file:./data/ucsync;WRITE_DELAY=0;RETENTION_TIME=1000"),
            Map.entry(STATE_USER, "sa"),
            Map.entry(STATE_PASSWORD, ""),
            Map.entry(WORKER_LANES, "128"),
            Map.entry(KW_SUBSCRIBE, "always"),
            Map.entry(SESSION_TIMEOUT, "8h"),
            Map.entry(PREVIEW_API_TOKEN, ""),
            Map.entry(DASHBOARD_PASSWORD, ""),
            Map.entry(DASHBOARD_FRONTEND_CONTROL, ""),
            Map.entry(DASHBOARD_TSERVER_CONTROL, ""),
            Map.entry(CLUSTER_ENABLED, "false"),
            Map.entry(CLUSTER_SERVICE, "zookeeper"),
            Map.entry(CLUSTER_ZOOKEEPER, ""),
            Map.entry(CLUSTER_FILE_ROOT, ""),
            Map.entry(CLUSTER_NODE_ID, ""),
            Map.entry(CLUSTER_PARTITIONS, "1"),
            Map.entry(CLUSTER_SESSION_TIMEOUT, "6s"));

    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");

    private final Path file;
    private final Properties properties;
    private final EngineOptions engineOptions;

    private UcsyncSettings(Path file, Properties properties, EngineOptions engineOptions) {
        this.file = file;
        this.properties = properties;
        this.engineOptions = engineOptions;
    }

    /**
     * Reads and checks the file; a missing file means every default.
     *
     * @throws ConfigException naming the file, the key and the fix for each problem
     */
    public static UcsyncSettings load(Path file) throws ConfigException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(List.of(file + ": cannot be read: " + e.getMessage()));
            }
        }
        return of(file, properties);
    }

    static UcsyncSettings of(Path file, Properties properties) throws ConfigException {
        return of(file, properties, System.getenv());
    }

    /** As {@link #of(Path, Properties)}, with {@code {{env:NAME}}} in ucsync.* values taken from this environment. */
    static UcsyncSettings of(Path file, Properties raw, Map<String, String> environment) throws ConfigException {
        List<String> problems = new ArrayList<>();
        Properties properties = withEnvironment(file, raw, environment, problems);
        Set<String> ownKeys = new LinkedHashSet<>(DEFAULTS.keySet());
        ownKeys.add(TSERVER_PREFIX);
        ownKeys.add(UC_PREFIX);
        EngineOptions options = null;
        try {
            options = EngineOptions.from(file.getFileName().toString(), properties, ownKeys);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        UcsyncSettings settings = new UcsyncSettings(file, properties, options);
        String fileName = file.getFileName().toString();
        for (String name : settings.tserverNames()) {
            if (settings.value(TSERVER_PREFIX + name + ".endpoints") == null) {
                problems.add(fileName + ": T-Server '" + name + "' is listed in " + TSERVERS + " but has no "
                        + TSERVER_PREFIX + name
                        + ".endpoints (fix: add host:port[,host:port] of its primary and backup)");
            }
            problems.addAll(EndpointOptions.unknown(
                    fileName,
                    TSERVER_PREFIX + name + ".",
                    settings.tserverOptions(name),
                    new TlibEndpointUriFactory().propertyNames(),
                    "a T-Server link",
                    "src/main/docs/tlib-component.adoc"));
        }
        Set<String> poolOptions = new SipPresenceEndpointUriFactory().propertyNames();
        problems.addAll(EndpointOptions.unknown(
                fileName,
                UC_PREFIX,
                EndpointOptions.under(UC_PREFIX, properties, Map.of()),
                poolOptions,
                "a UC pool",
                "src/main/docs/sip-presence-component.adoc"));
        for (String pool : settings.namedPools()) {
            problems.addAll(EndpointOptions.unknown(
                    fileName,
                    UC_PREFIX + pool + ".",
                    EndpointOptions.under(UC_PREFIX + pool + ".", properties, Map.of()),
                    poolOptions,
                    "a UC pool",
                    "src/main/docs/sip-presence-component.adoc"));
            if (!properties.containsKey(UC_PREFIX + pool + ".server")) {
                problems.add(fileName + ": UC pool '" + pool + "' has no " + UC_PREFIX + pool
                        + ".server (fix: add host:port[,host:port]" + " of its front ends or load balancer)");
            }
        }
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(TSERVER_PREFIX)) {
                String name = key.substring(TSERVER_PREFIX.length()).split("\\.", 2)[0];
                if (!settings.tserverNames().contains(name)) {
                    problems.add(file.getFileName() + ": " + key + " belongs to T-Server '" + name + "', which "
                            + TSERVERS + " does not list (fix: add it to " + TSERVERS + ", or remove the key)");
                }
            }
        }
        for (String key : List.of(
                LAB_TSERVER_PORT,
                LAB_FRONTEND_PORT,
                LAB_TSERVER_CONTROL_PORT,
                LAB_FRONTEND_CONTROL_PORT,
                WORKER_LANES)) {
            try {
                if (Integer.parseInt(settings.value(key)) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add(file.getFileName() + ": " + key + "=" + settings.value(key)
                        + " is not a number (fix: a whole number)");
            }
        }
        if (StateDatabase.Kind.of(settings.value(STATE_JDBC_URL)) == null) {
            problems.add(file.getFileName() + ": " + STATE_JDBC_URL + " is neither an H2 nor a PostgreSQL URL"
                    + " (fix: jdbc:h2:file:PATH, or jdbc:postgresql://HOST:PORT/DATABASE)");
        }
        Duration sessionTimeout = EngineOptions.parseDuration(settings.value(SESSION_TIMEOUT));
        if (sessionTimeout == null || sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            problems.add(file.getFileName() + ": " + SESSION_TIMEOUT + "=" + settings.value(SESSION_TIMEOUT)
                    + " is not a positive duration (fix: e.g. 30m, 8h or PT8H)");
        }
        if (!List.of("always", "signed-in").contains(settings.value(KW_SUBSCRIBE))) {
            problems.add(file.getFileName() + ": " + KW_SUBSCRIBE + "=" + settings.value(KW_SUBSCRIBE)
                    + " is not a subscription mode (fix: always, or signed-in)");
        }
        if (settings.clusterEnabled()) {
            problems.addAll(settings.clusterProblems());
        }
        problems.addAll(settings.componentOptionsThatNeverApply());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return settings;
    }

    /** What is wrong with the ucsync.cluster.* keys of a cluster node, each with its fix. */
    private List<String> clusterProblems() {
        String fileName = file.getFileName().toString();
        List<String> problems = new ArrayList<>();
        String service = value(CLUSTER_SERVICE);
        if (service.equals("zookeeper")) {
            if (value(CLUSTER_ZOOKEEPER).isEmpty()) {
                problems.add(fileName + ": " + CLUSTER_ZOOKEEPER
                        + " is not set (fix: host:port[,host:port] of the ZooKeeper ensemble)");
            }
        } else if (service.equals("file")) {
            if (value(CLUSTER_FILE_ROOT).isEmpty()) {
                problems.add(fileName + ": " + CLUSTER_FILE_ROOT
                        + " is not set (fix: a directory every node on this host can write)");
            }
        } else {
            problems.add(fileName + ": " + CLUSTER_SERVICE + "=" + service
                    + " is not a cluster service (fix: zookeeper, or file)");
        }
        int partitions = -1;
        try {
            partitions = Integer.parseInt(value(CLUSTER_PARTITIONS));
        } catch (NumberFormatException e) {
            // told below
        }
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            problems.add(fileName + ": " + CLUSTER_PARTITIONS + "=" + value(CLUSTER_PARTITIONS)
                    + " is not a number of partitions (fix: 1 to " + MAX_PARTITIONS
                    + ", the same on every node; 1 is an active/standby pair)");
        }
        Duration session = EngineOptions.parseDuration(value(CLUSTER_SESSION_TIMEOUT));
        if (session == null || session.toMillis() < 1000) {
            problems.add(
                    fileName + ": " + CLUSTER_SESSION_TIMEOUT + "=" + value(CLUSTER_SESSION_TIMEOUT)
                            + " is not a duration of a second or more (fix: e.g. 6s; ZooKeeper bounds it to 2 to 20 times its tickTime)");
        }
        if (StateDatabase.Kind.of(value(STATE_JDBC_URL)) != StateDatabase.Kind.POSTGRESQL) {
            problems.add(fileName + ": a cluster's nodes share one state store, and " + STATE_JDBC_URL
                    + " is not PostgreSQL" + " (fix: jdbc:postgresql://HOST:PORT/DATABASE on every node, or "
                    + CLUSTER_ENABLED + "=false)");
        }
        return problems;
    }

    /**
     * camel.component.*.configuration.* keys that would reach none of ucsync's endpoints: every UC pool, or every
     * T-Server, sets the option itself, and an endpoint's own option wins over the component's. Two places for one
     * value, one of them dead, is refused: the component's keys are for what the endpoints share, ucsync.* for what
     * one pool or T-Server sets (src/main/docs/configuration.md "Component options").
     */
    private List<String> componentOptionsThatNeverApply() {
        List<String> problems = new ArrayList<>();
        String fileName = file.getFileName().toString();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(UC_COMPONENT_PREFIX)) {
                String option = EndpointOptions.camelCase(key.substring(UC_COMPONENT_PREFIX.length()));
                List<String> pools = new ArrayList<>(namedPools());
                pools.add(DEFAULT_POOL);
                if (pools.stream().allMatch(pool -> poolOptions(pool).containsKey(option))) {
                    String own = UC_PREFIX + EndpointOptions.kebab(option);
                    problems.add(fileName + ": " + key + " never applies: every UC pool sets " + option + " itself ("
                            + (properties.containsKey(own)
                                    ? own
                                    : UC_PREFIX + "<pool>." + EndpointOptions.kebab(option))
                            + ") (fix: remove one of them; " + UC_PREFIX + "* for ucsync's UC pools, the component's"
                            + " key for what every sip-presence endpoint shares)");
                }
            } else if (key.startsWith(TSERVER_COMPONENT_PREFIX)) {
                String option = EndpointOptions.camelCase(key.substring(TSERVER_COMPONENT_PREFIX.length()));
                if (tserverNames().stream()
                        .allMatch(name -> tserverOptions(name).containsKey(option))) {
                    problems.add(fileName + ": " + key + " never applies: every T-Server sets " + option + " itself ("
                            + TSERVER_PREFIX + "<name>." + EndpointOptions.kebab(option)
                            + ") (fix: remove one of them; "
                            + TSERVER_PREFIX + "<name>.* for one T-Server, the component's key for what every T-Server"
                            + " shares)");
                }
            }
        }
        return problems;
    }

    public boolean clusterEnabled() {
        return Boolean.parseBoolean(value(CLUSTER_ENABLED));
    }

    /**
     * This node's id: {@value #CLUSTER_NODE_ID}, or the host's name and the HTTP port (camel.server.port), which tell
     * apart the nodes of one host and stay the same after a restart.
     */
    public String nodeId() {
        String configured = value(CLUSTER_NODE_ID);
        if (!configured.isEmpty()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + properties.getProperty("camel.server.port", "8080").trim();
    }

    /** The options of a cluster node ({@link #clusterEnabled()}). */
    public ClusterOptions clusterOptions() {
        return new ClusterOptions(
                value(CLUSTER_SERVICE).equals("file") ? ClusterOptions.Service.FILE : ClusterOptions.Service.ZOOKEEPER,
                value(CLUSTER_ZOOKEEPER),
                Path.of(value(CLUSTER_FILE_ROOT)),
                nodeId(),
                intValue(CLUSTER_PARTITIONS),
                EngineOptions.parseDuration(value(CLUSTER_SESSION_TIMEOUT)));
    }

    /**
     * The values with every {@code {{env:NAME}}} or {@code {{env:NAME:default}}} of a ucsync.* key replaced, so that
     * secrets can live in the environment instead of the file (camel.* values are resolved by Camel itself, the same way).
     */
    private static Properties withEnvironment(
            Path file, Properties raw, Map<String, String> environment, List<String> problems) {
        Properties resolved = new Properties();
        for (String key : raw.stringPropertyNames()) {
            String value = raw.getProperty(key);
            if (key.startsWith("ucsync.")) {
                Matcher placeholder = ENV_PLACEHOLDER.matcher(value);
                StringBuilder replaced = new StringBuilder();
                while (placeholder.find()) {
                    String name = placeholder.group(1);
                    String fallback = placeholder.group(2);
                    String found = environment.getOrDefault(name, fallback);
                    if (found == null) {
                        problems.add(file.getFileName() + ": " + key + " needs the environment variable " + name
                                + ", which is not set (fix: set it, or give a default: {{env:" + name + ":DEFAULT}})");
                        found = "";
                    }
                    placeholder.appendReplacement(replaced, Matcher.quoteReplacement(found));
                }
                placeholder.appendTail(replaced);
                value = replaced.toString();
            }
            resolved.setProperty(key, value);
        }
        return resolved;
    }

    /** The value, or its default, or null when the key has neither. */
    public String value(String key) {
        String value = properties.getProperty(key, DEFAULTS.get(key));
        return value == null ? null : value.trim();
    }

    /**
     * host:port of an emulator's control port for the dashboard's lab actions: the key's value, else the embedded
     * lab's port when the lab runs, else blank (no lab actions).
     */
    String dashboardControl(String key) {
        String configured = value(key);
        if (!configured.isEmpty() || !labEnabled()) {
            return configured;
        }
        return "127.0.0.1:"
                + value(key.equals(DASHBOARD_FRONTEND_CONTROL) ? LAB_FRONTEND_CONTROL_PORT : LAB_TSERVER_CONTROL_PORT);
    }

    public int intValue(String key) {
        return Integer.parseInt(value(key));
    }

    public boolean labEnabled() {
        return Boolean.parseBoolean(value(LAB_ENABLED));
    }

    public List<String> tserverNames() {
        return Arrays.stream(value(TSERVERS).split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /**
     * The options of a T-Server's link, from its {@code ucsync.tserver.<name>.*} keys: endpoint options of the tlib
     * component ({@code trust-store} -> {@code trustStore}); camel.component.tlib.* sets what every link shares.
     */
    public Map<String, String> tserverOptions(String name) {
        return EndpointOptions.under(TSERVER_PREFIX + name + ".", properties, DEFAULTS);
    }

    /**
     * The UC pools named by {@code ucsync.uc.<pool>.<option>} sections, besides the default pool
     * ({@value #DEFAULT_POOL}) that {@code ucsync.uc.<option>} keys configure.
     */
    public List<String> namedPools() {
        return properties.stringPropertyNames().stream()
                .filter(key -> key.startsWith(UC_PREFIX))
                .map(key -> key.substring(UC_PREFIX.length()))
                .filter(rest -> rest.contains("."))
                .map(rest -> rest.substring(0, rest.indexOf('.')))
                .distinct()
                .sorted()
                .toList();
    }

    /**
     * The options of a UC pool's sip-presence endpoint: the default pool's {@code ucsync.uc.<option>} keys, under
     * a named pool's own {@code ucsync.uc.<pool>.<option>} keys; camel.component.sip-presence.* sets what every pool
     * shares.
     */
    public Map<String, String> poolOptions(String pool) {
        Map<String, String> options = EndpointOptions.under(UC_PREFIX, properties, Map.of());
        if (!pool.equals(DEFAULT_POOL)) {
            options.putAll(EndpointOptions.under(UC_PREFIX + pool + ".", properties, Map.of()));
        }
        return options;
    }

    public Path path(String key) {
        return Path.of(value(key));
    }

    /** How long a KW-page or dashboard session may go unused before it is over. */
    public Duration sessionTimeout() {
        return EngineOptions.parseDuration(value(SESSION_TIMEOUT));
    }

    /** Whether workers are watched only while signed in to the KW page (as Genesys UC Connector does). */
    public boolean subscribeWhileSignedIn() {
        return "signed-in".equals(value(KW_SUBSCRIBE));
    }

    public EngineOptions engineOptions() {
        return engineOptions;
    }

    public Path file() {
        return file;
    }

    /** Every key with its value (defaults included), for camel-main's property placeholders. */
    public Properties asProperties() {
        Properties all = new Properties();
        DEFAULTS.forEach(all::setProperty);
        all.putAll(properties);
        all.setProperty(DASHBOARD_FRONTEND_CONTROL, dashboardControl(DASHBOARD_FRONTEND_CONTROL));
        all.setProperty(DASHBOARD_TSERVER_CONTROL, dashboardControl(DASHBOARD_TSERVER_CONTROL));
        long sweep = sessionTimeout().toMillis() / 4;
        all.setProperty(SESSION_SWEEP_MILLIS, String.valueOf(Math.max(1000, Math.min(60_000, sweep))));
        return all;
    }
}
