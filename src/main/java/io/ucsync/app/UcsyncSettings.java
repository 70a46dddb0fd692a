package io.ucsync.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ucsync.config.ConfigException;
import io.ucsync.tlib.TlibEndpointUriFactory;
import io.ucsync.config.EngineOptions;

/**
 * config/application.properties: where the UC front end and the T-Servers are, the files of the roster and the
 * presence map, the state database, the embedded lab, and the engine's options ({@link EngineOptions}). Every key
 * has a default, listed in {@link #DEFAULTS} and in the README; camel.* keys go to camel-main as they are.
 */
public final class UcsyncSettings {

    static final String LAB_ENABLED = "ucsync.lab.enabled";
    static final String LAB_TSERVER_PORT = "ucsync.lab.tserver-port";
    static final String LAB_FRONTEND_PORT = "ucsync.lab.frontend-port";
    static final String LAB_TSERVER_CONTROL_PORT = "ucsync.lab.tserver-control-port";
    static final String LAB_FRONTEND_CONTROL_PORT = "ucsync.lab.frontend-control-port";
    static final String UC_SERVER = "ucsync.uc.server";
    static final String UC_TRANSPORT = "ucsync.uc.transport";
    static final String UC_DIALECT = "ucsync.uc.dialect";
    static final String UC_USER = "ucsync.uc.user";
    static final String UC_NOTIFICATION_THREADS = "ucsync.uc.notification-threads";
    static final String TSERVERS = "ucsync.tservers";
    static final String TSERVER_PREFIX = "ucsync.tserver.";
    static final String ROSTER = "ucsync.roster";
    static final String PRESENCE_MAP = "ucsync.presence-map";
    static final String ROUTES = "ucsync.routes";
    static final String STATE_JDBC_URL = "ucsync.state.jdbc-url";
    static final String WORKER_LANES = "ucsync.worker-lanes";
    static final String KW_SUBSCRIBE = "ucsync.kw.subscribe";
    static final String PREVIEW_API_TOKEN = "ucsync.kw.preview-api-token";
    static final String DASHBOARD_PASSWORD = "ucsync.dashboard.password";
    static final String DASHBOARD_FRONTEND_CONTROL = "ucsync.dashboard.frontend-control";
    static final String DASHBOARD_TSERVER_CONTROL = "ucsync.dashboard.tserver-control";
    /** Derived, for the routes: whether the dashboard knows emulators to act on. */
    static final String DASHBOARD_LAB_ACTIONS = "ucsync.dashboard.lab-actions";

    /** The connector's own keys and their defaults (the engine options have theirs in EngineOptions). */
    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(LAB_ENABLED, "true"),
            Map.entry(LAB_TSERVER_PORT, "7000"),
            Map.entry(LAB_FRONTEND_PORT, "5070"),
            Map.entry(LAB_TSERVER_CONTROL_PORT, "7001"),
            Map.entry(LAB_FRONTEND_CONTROL_PORT, "5071"),
            Map.entry(UC_SERVER, "127.0.0.1:5070"),
            Map.entry(UC_TRANSPORT, "udp"),
            Map.entry(UC_DIALECT, "mspres"),
            Map.entry(UC_USER, "sip:ucsync@ucsync.test"),
            Map.entry(UC_NOTIFICATION_THREADS, "16"),
            Map.entry(TSERVERS, "main"),
            Map.entry(TSERVER_PREFIX + "main.endpoints", "127.0.0.1:7000"),
            Map.entry(ROSTER, "config/roster.csv"),
            Map.entry(PRESENCE_MAP, "config/presence-map.txt"),
            Map.entry(ROUTES, "routes"),
            Map.entry(STATE_JDBC_URL, "jdbc:h2:file:./data/ucsync;WRITE_DELAY=0;RETENTION_TIME=1000"),
            Map.entry(WORKER_LANES, "32"),
            Map.entry(KW_SUBSCRIBE, "always"),
            Map.entry(PREVIEW_API_TOKEN, ""),
            Map.entry(DASHBOARD_PASSWORD, ""),
            Map.entry(DASHBOARD_FRONTEND_CONTROL, ""),
            Map.entry(DASHBOARD_TSERVER_CONTROL, ""));

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
        EngineOptions options = null;
        try {
            options = EngineOptions.from(file.getFileName().toString(), properties, ownKeys);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        UcsyncSettings settings = new UcsyncSettings(file, properties, options);
        Set<String> linkOptions = new TlibEndpointUriFactory().propertyNames();
        for (String name : settings.tserverNames()) {
            if (settings.value(TSERVER_PREFIX + name + ".endpoints") == null) {
                problems.add(file.getFileName() + ": T-Server '" + name + "' is listed in " + TSERVERS + " but has no "
                        + TSERVER_PREFIX + name + ".endpoints (fix: add host:port[,host:port] of its primary and backup)");
            }
            for (String option : settings.tserverOptions(name).keySet()) {
                if (!linkOptions.contains(option) || option.equals("name")) {
                    problems.add(file.getFileName() + ": " + TSERVER_PREFIX + name + "." + kebab(option) + " is not an option of a"
                            + " T-Server link (fix: one of " + linkOptions.stream().filter(o -> !o.equals("name")).sorted()
                            .map(UcsyncSettings::kebab).toList() + ", see src/main/docs/tlib-component.adoc)");
                }
            }
        }
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(TSERVER_PREFIX)) {
                String name = key.substring(TSERVER_PREFIX.length()).split("\\.", 2)[0];
                if (!settings.tserverNames().contains(name)) {
                    problems.add(file.getFileName() + ": " + key + " belongs to T-Server '" + name + "', which " + TSERVERS
                            + " does not list (fix: add it to " + TSERVERS + ", or remove the key)");
                }
            }
        }
        for (String key : List.of(LAB_TSERVER_PORT, LAB_FRONTEND_PORT, LAB_TSERVER_CONTROL_PORT, LAB_FRONTEND_CONTROL_PORT,
                WORKER_LANES, UC_NOTIFICATION_THREADS)) {
            try {
                if (Integer.parseInt(settings.value(key)) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add(file.getFileName() + ": " + key + "=" + settings.value(key) + " is not a number (fix: a whole number)");
            }
        }
        if (!List.of("udp", "tcp", "tls").contains(settings.value(UC_TRANSPORT))) {
            problems.add(file.getFileName() + ": " + UC_TRANSPORT + "=" + settings.value(UC_TRANSPORT) + " is not a transport (fix: udp, tcp or tls)");
        }
        if (!List.of("mspres", "simple").contains(settings.value(UC_DIALECT))) {
            problems.add(file.getFileName() + ": " + UC_DIALECT + "=" + settings.value(UC_DIALECT) + " is not a dialect (fix: mspres or simple)");
        }
        if (!List.of("always", "signed-in").contains(settings.value(KW_SUBSCRIBE))) {
            problems.add(file.getFileName() + ": " + KW_SUBSCRIBE + "=" + settings.value(KW_SUBSCRIBE)
                    + " is not a subscription mode (fix: always, or signed-in)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return settings;
    }

    /**
     * The values with every {@code {{env:NAME}}} or {@code {{env:NAME:default}}} of a ucsync.* key replaced, so that
     * secrets can live in the environment instead of the file (camel.* values are resolved by Camel itself, the same way).
     */
    private static Properties withEnvironment(Path file, Properties raw, Map<String, String> environment, List<String> problems) {
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
        return "127.0.0.1:" + value(key.equals(DASHBOARD_FRONTEND_CONTROL) ? LAB_FRONTEND_CONTROL_PORT : LAB_TSERVER_CONTROL_PORT);
    }

    public int intValue(String key) {
        return Integer.parseInt(value(key));
    }

    public boolean labEnabled() {
        return Boolean.parseBoolean(value(LAB_ENABLED));
    }

    public List<String> tserverNames() {
        return Arrays.stream(value(TSERVERS).split(",")).map(String::trim).filter(name -> !name.isEmpty()).toList();
    }

    /**
     * The options of a T-Server's link, from its {@code ucsync.tserver.<name>.*} keys: endpoint options of the tlib
     * component in camelCase ({@code trust-store} -> {@code trustStore}); camel.component.tlib.* sets what every link
     * shares.
     */
    public Map<String, String> tserverOptions(String name) {
        String prefix = TSERVER_PREFIX + name + ".";
        Map<String, String> options = new TreeMap<>();
        DEFAULTS.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                options.put(camelCase(key.substring(prefix.length())), value);
            }
        });
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                options.put(camelCase(key.substring(prefix.length())), properties.getProperty(key).trim());
            }
        }
        return options;
    }

    /** {@code trust-store} -> {@code trustStore}; a name already in camelCase stays as it is. */
    static String camelCase(String kebab) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    /** {@code trustStore} -> {@code trust-store}, as the keys are written. */
    static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    public Path path(String key) {
        return Path.of(value(key));
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
        all.setProperty(DASHBOARD_LAB_ACTIONS, String.valueOf(!dashboardControl(DASHBOARD_TSERVER_CONTROL).isEmpty()));
        return all;
    }
}
