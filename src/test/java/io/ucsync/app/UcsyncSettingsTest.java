package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ucsync.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Secrets in the environment instead of application.properties; the state store's keys. */
class UcsyncSettingsTest {

    private static final Path FILE = Path.of("config/application.properties");

    private static Properties properties(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
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
