package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucsync.config.ConfigException;
import io.ucsync.config.EngineOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every default stated once, in the code; component options in one place each; secrets in the environment instead of
 * application.properties; the store's keys.
 */
class UcsyncSettingsTest {

    private static final Path FILE = Path.of("config/application.properties");
    private static final Path CONFIGURATION_DOC = Path.of("src/main/docs/configuration.md");

    /** The values the shipped file sets other than the default on purpose, each for a reason. */
    private static final Map<String, String> SHIPPED_ON_PURPOSE = Map.of(
            // the embedded lab's operator password, so that the default run's dashboard can be tried at once; the
            // default, empty, refuses every operator sign-in against real servers
            "ucsync.dashboard.password", "demo",
            // the connector's own run spreads the whole roster's presences over more threads than the component's
            // default for one endpoint: each waits for its change's commit, and more changes in flight make fewer,
            // larger commits
            "ucsync.uc.notification-threads", "64");

    /** A table row of configuration.md: its key cell and its default cell. */
    private static final Pattern DOC_ROW = Pattern.compile("(?m)^\\| (`[^|]+`) \\| ([^|]+) \\|");

    /** Every ucsync.* default the code states: the connector's own and the engine options'. */
    private static Map<String, String> codeDefaults() {
        Map<String, String> defaults = new TreeMap<>(UcsyncSettings.DEFAULTS);
        defaults.putAll(EngineOptions.defaultValues());
        return defaults;
    }

    private static Properties properties(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void theShippedFileSetsEveryKeyToTheCodesDefaultSaveWhereItSaysWhy() throws IOException {
        Properties shipped = new Properties();
        try (Reader reader = Files.newBufferedReader(FILE, StandardCharsets.UTF_8)) {
            shipped.load(reader);
        }
        Map<String, String> expected = codeDefaults();
        JsonNode poolOptions = descriptorOptions("/META-INF/io/ucsync/sip/sip-presence.json");
        for (String key : shipped.stringPropertyNames()) {
            String option = key.startsWith(UcsyncSettings.UC_PREFIX)
                    ? EndpointOptions.camelCase(key.substring(UcsyncSettings.UC_PREFIX.length()))
                    : "";
            if (!expected.containsKey(key) && poolOptions.path(option).has("defaultValue")) {
                expected.put(key, poolOptions.get(option).get("defaultValue").asText());
            }
        }
        expected.putAll(SHIPPED_ON_PURPOSE);
        Map<String, String> stated = new TreeMap<>();
        expected.keySet().forEach(key -> stated.put(key, shipped.getProperty(key)));
        assertThat(stated)
                .as("every key with a default is shown in " + FILE + " with that default (SHIPPED_ON_PURPOSE lists the"
                        + " exceptions, and why)")
                .isEqualTo(expected);
        assertThat(shipped.stringPropertyNames().stream()
                        .filter(key -> key.startsWith("ucsync.") && !expected.containsKey(key))
                        .sorted())
                .as("shipped ucsync.* keys without a default: only the required options of the UC pool")
                .containsExactly("ucsync.uc.server", "ucsync.uc.user");
    }

    @Test
    void theDocumentedDefaultsAreTheCodes() throws IOException {
        String doc = Files.readString(CONFIGURATION_DOC, StandardCharsets.UTF_8);
        Map<String, String> documented = new TreeMap<>();
        List<String> patternRows = new ArrayList<>();
        Matcher row = DOC_ROW.matcher(doc);
        while (row.find()) {
            List<String> keys = cells(row.group(1));
            if (!keys.get(0).startsWith("ucsync.")) {
                continue;
            }
            if (keys.get(0).contains("<")) {
                patternRows.add(row.group(0));
                continue;
            }
            List<String> defaults = cells(row.group(2));
            assertThat(defaults.size())
                    .as("a default for each key of " + keys + ", or one for them all")
                    .isIn(1, keys.size());
            for (int i = 0; i < keys.size(); i++) {
                documented.put(keys.get(i), defaults.get(defaults.size() == 1 ? 0 : i));
            }
        }
        Map<String, String> expected = codeDefaults();
        // a T-Server's endpoints have a default only for the shipped T-Server, main: in the row of every T-Server
        // option
        String mainEndpoints = UcsyncSettings.TSERVER_PREFIX + "main.endpoints";
        assertThat(patternRows)
                .anySatisfy(pattern -> assertThat(pattern)
                        .startsWith("| `" + UcsyncSettings.TSERVER_PREFIX + "<name>.<option>`")
                        .contains("`endpoints` `" + expected.remove(mainEndpoints) + "` for `main`"));
        assertThat(documented)
                .as(CONFIGURATION_DOC + " states the code's defaults")
                .isEqualTo(expected);
    }

    /** The cells of a table row's cell that lists several, {@code `a` / `b`}: each value in backticks, or empty. */
    private static List<String> cells(String cell) {
        return Arrays.stream(cell.trim().split(" / "))
                .map(String::trim)
                .map(value -> value.startsWith("`") ? value.substring(1, value.indexOf('`', 1)) : value)
                .map(value -> value.startsWith("empty") ? "" : value)
                .toList();
    }

    /** The endpoint options of a component's generated descriptor, by name. */
    private static JsonNode descriptorOptions(String resource) throws IOException {
        try (InputStream json = UcsyncSettingsTest.class.getResourceAsStream(resource)) {
            assertThat(json).as(resource).isNotNull();
            return new ObjectMapper().readTree(json).get("properties");
        }
    }

    @Test
    void aValueMayComeFromTheEnvironmentWithOrWithoutADefault() throws ConfigException {
        UcsyncSettings settings = UcsyncSettings.of(
                FILE,
                properties(
                        "ucsync.dashboard.password", "{{env:UCSYNC_DASHBOARD_PASSWORD}}",
                        "ucsync.kw.preview-api-token", "{{env:UCSYNC_PREVIEW_TOKEN:no-token}}",
                        "ucsync.uc.user", "sip:{{env:UCSYNC_USER}}@example.com"),
                Map.of("UCSYNC_DASHBOARD_PASSWORD", "s3cret", "UCSYNC_USER", "ucsync"));
        assertThat(settings.value(UcsyncSettings.DASHBOARD_PASSWORD)).isEqualTo("s3cret");
        assertThat(settings.value(UcsyncSettings.PREVIEW_API_TOKEN)).isEqualTo("no-token");
        assertThat(settings.poolOptions("uc")).containsEntry("user", "sip:ucsync@example.com");
        assertThat(settings.asProperties().getProperty(UcsyncSettings.DASHBOARD_PASSWORD))
                .isEqualTo("s3cret");
    }

    @Test
    void ucPoolsAreSectionsOfEndpointOptionsThatInheritTheDefaultPools() throws ConfigException {
        UcsyncSettings settings = UcsyncSettings.of(
                FILE,
                properties(
                        "ucsync.uc.server", "pool-a.example.com:5061",
                        "ucsync.uc.user", "sip:ucsync@example.com",
                        "ucsync.uc.notification-threads", "8",
                        "ucsync.uc.emea.server", "fe1.emea.example.com:5061,fe2.emea.example.com:5061",
                        "ucsync.uc.emea.auth-username", "ucsync-emea"),
                Map.of());
        assertThat(settings.namedPools()).containsExactly("emea");
        assertThat(settings.poolOptions("uc"))
                .containsExactly(
                        Map.entry("notificationThreads", "8"),
                        Map.entry("server", "pool-a.example.com:5061"),
                        Map.entry("user", "sip:ucsync@example.com"));
        assertThat(settings.poolOptions("emea"))
                .containsEntry("server", "fe1.emea.example.com:5061,fe2.emea.example.com:5061")
                .containsEntry("authUsername", "ucsync-emea")
                .containsEntry("user", "sip:ucsync@example.com")
                .containsEntry("notificationThreads", "8");
    }

    @Test
    void anOptionThatNoEndpointHasIsRefusedWithTheOptionsThatExist() {
        assertThatThrownBy(() -> UcsyncSettings.of(
                        FILE,
                        properties(
                                "ucsync.uc.emea.sever", "fe1.emea.example.com:5061",
                                "ucsync.tserver.main.endpoint", "t1:3000",
                                "ucsync.tserver.west.endpoints", "t2:3000"),
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("application.properties: ucsync.uc.emea.sever is not an option of a UC pool"
                                        + " (fix: one of [")
                                .contains("server")
                                .endsWith("see src/main/docs/sip-presence-component.adoc)"))
                        .contains(
                                "application.properties: UC pool 'emea' has no ucsync.uc.emea.server (fix: add host:port[,host:port]"
                                        + " of its front ends or load balancer)",
                                "application.properties: ucsync.tserver.west.endpoints belongs to T-Server 'west', which ucsync.tservers"
                                        + " does not list (fix: add it to ucsync.tservers, or remove the key)")
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("application.properties: ucsync.tserver.main.endpoint is not an option"
                                        + " of a T-Server link (fix: one of [")));
    }

    @Test
    void aComponentOptionThatEveryPoolOrTServerSetsItselfIsRefusedAsNeverApplying() throws ConfigException {
        String transport = "application.properties: camel.component.sip-presence.configuration.transport never applies:"
                + " every UC pool sets transport itself (ucsync.uc.transport) (fix: remove one of them; ucsync.uc.*"
                + " for ucsync's UC pools, the component's key for what every sip-presence endpoint shares)";
        String endpoints = "application.properties: camel.component.tlib.configuration.endpoints never applies: every"
                + " T-Server sets endpoints itself (ucsync.tserver.<name>.endpoints) (fix: remove one of them;"
                + " ucsync.tserver.<name>.* for one T-Server, the component's key for what every T-Server shares)";
        Properties overridden = properties(
                "ucsync.uc.transport", "udp",
                "camel.component.sip-presence.configuration.transport", "tls",
                "camel.component.tlib.configuration.endpoints", "10.0.0.1:7000");
        assertThatThrownBy(() -> UcsyncSettings.of(FILE, overridden))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems()).containsExactlyInAnyOrder(transport, endpoints));

        UcsyncSettings shared = UcsyncSettings.of(
                FILE,
                properties(
                        "ucsync.uc.emea.server", "pool-emea.example.com:5061",
                        "ucsync.uc.emea.transport", "tls",
                        "camel.component.sip-presence.configuration.transport", "tls",
                        "camel.component.tlib.configuration.trust-store", "/etc/ucsync/ca.p12"));
        assertThat(shared.poolOptions("emea"))
                .as("a pool that sets the option itself, beside one that takes the component's")
                .containsEntry("transport", "tls");
        assertThat(shared.poolOptions("uc")).doesNotContainKey("transport");
    }

    @Test
    void aMissingEnvironmentVariableStopsTheStartNamingTheKeyTheVariableAndTheFix() {
        assertThatThrownBy(() -> UcsyncSettings.of(
                        FILE, properties("ucsync.dashboard.password", "{{env:UCSYNC_DASHBOARD_PASSWORD}}"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "application.properties: ucsync.dashboard.password needs the environment variable UCSYNC_DASHBOARD_PASSWORD,"
                                + " which is not set (fix: set it, or give a default: {{env:UCSYNC_DASHBOARD_PASSWORD:DEFAULT}})");
    }

    @Test
    void theStoreIsTheH2FileAsSaByDefaultOrPostgresqlWithItsPasswordFromTheEnvironment() throws ConfigException {
        UcsyncSettings defaults = UcsyncSettings.of(FILE, properties(), Map.of());
        assertThat(defaults.value(UcsyncSettings.STATE_JDBC_URL)).startsWith("jdbc:h2:file:./data/ucsync;");
        assertThat(defaults.value(UcsyncSettings.STATE_USER)).isEqualTo("sa");
        assertThat(defaults.value(UcsyncSettings.STATE_PASSWORD)).isEmpty();

        UcsyncSettings postgres = UcsyncSettings.of(
                FILE,
                properties(
                        "ucsync.state.jdbc-url",
                        "jdbc:postgresql://db.example.com:5432/ucsync",
                        "ucsync.state.user",
                        "ucsync",
                        "ucsync.state.password",
                        "{{env:UCSYNC_STATE_PASSWORD}}"),
                Map.of("UCSYNC_STATE_PASSWORD", "pg-s3cret"));
        assertThat(postgres.value(UcsyncSettings.STATE_JDBC_URL))
                .isEqualTo("jdbc:postgresql://db.example.com:5432/ucsync");
        assertThat(postgres.value(UcsyncSettings.STATE_USER)).isEqualTo("ucsync");
        assertThat(postgres.value(UcsyncSettings.STATE_PASSWORD)).isEqualTo("pg-s3cret");
    }

    @Test
    void aStoreUrlOfAnotherDatabaseStopsTheStartNamingTheFix() {
        assertThatThrownBy(() -> UcsyncSettings.of(
                        FILE, properties("ucsync.state.jdbc-url", "jdbc:mysql://db.example.com/ucsync"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("application.properties: ucsync.state.jdbc-url is neither an H2 nor a"
                        + " PostgreSQL URL (fix: jdbc:h2:file:PATH, or jdbc:postgresql://HOST:PORT/DATABASE)");
    }

    @Test
    void aClusterNeedsPostgresqlAndZooKeeperAndSaysWhichKeyToFix() {
        assertThatThrownBy(() -> UcsyncSettings.of(
                        FILE,
                        properties(
                                "ucsync.cluster.enabled",
                                "true",
                                "ucsync.cluster.partitions",
                                "0",
                                "ucsync.cluster.session-timeout",
                                "500ms"),
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "ucsync.cluster.zookeeper is not set (fix: host:port[,host:port] of the ZooKeeper ensemble)")
                .hasMessageContaining("ucsync.cluster.partitions=0 is not a number of partitions (fix: 1 to 256")
                .hasMessageContaining("ucsync.cluster.session-timeout=500ms is not a duration of a second or more")
                .hasMessageContaining(
                        "a cluster's nodes share one state store, and ucsync.state.jdbc-url is not PostgreSQL");
        assertThatThrownBy(() -> UcsyncSettings.of(
                        FILE,
                        properties(
                                "ucsync.cluster.enabled",
                                "true",
                                "ucsync.cluster.service",
                                "etcd",
                                "ucsync.state.jdbc-url",
                                "jdbc:postgresql://db:5432/ucsync"),
                        Map.of()))
                .hasMessageContaining("ucsync.cluster.service=etcd is not a cluster service (fix: zookeeper, or file)");
    }

    @Test
    void aClusterNodesIdIsItsOwnOrItsHostAndHttpPort() throws ConfigException {
        UcsyncSettings cluster = UcsyncSettings.of(
                FILE,
                properties(
                        "ucsync.cluster.enabled",
                        "true",
                        "ucsync.cluster.zookeeper",
                        "zk1:2181,zk2:2181/site-a",
                        "ucsync.cluster.partitions",
                        "12",
                        "ucsync.state.jdbc-url",
                        "jdbc:postgresql://db:5432/ucsync",
                        "camel.server.port",
                        "8181"),
                Map.of());
        assertThat(cluster.clusterOptions()).satisfies(options -> {
            assertThat(options.partitions()).isEqualTo(12);
            assertThat(options.zookeeper()).isEqualTo("zk1:2181,zk2:2181/site-a");
            assertThat(options.nodeId()).endsWith(":8181");
            assertThat(options.sessionTimeout()).hasSeconds(6);
        });
        assertThat(UcsyncSettings.of(FILE, properties("ucsync.cluster.node-id", "node-a"), Map.of())
                        .nodeId())
                .isEqualTo("node-a");
    }
}
