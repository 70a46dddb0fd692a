package io.ucsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.state.peers.PostgresPeer;
import io.ucsync.state.peers.TestStores;
import io.ucsync.timers.DurableTimers;
import io.ucsync.timers.FiredTimer;
import io.ucsync.timers.PendingTimer;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the state database: the schema created or migrated, and the stores it refuses. */
class StateDatabaseTest {

    /**
     * An H2 file made by ucsync before its schema was versioned (commit 831eada: WorkerStore's CREATE TABLE and ALTER
     * TABLE, DurableTimers running Quartz's tables_h2.sql), holding two workers' facts, three audit entries and two
     * timers: one overdue since 2020, one due in 2099.
     */
    private static final String FILE_BEFORE_MIGRATIONS = "/state/ucsync-before-migrations.mv.db";

    private static final Instant WRITTEN_AT = Instant.parse("2026-11-23T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(WRITTEN_AT.plusSeconds(3600), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void an_h2_file_of_a_ucsync_from_before_the_migrations_keeps_its_facts_audit_and_timers() throws Exception {
        try (InputStream file = StateDatabaseTest.class.getResourceAsStream(FILE_BEFORE_MIGRATIONS)) {
            Files.copy(file, dir.resolve("ucsync.mv.db"));
        }
        String url = "jdbc:h2:file:" + dir.resolve("ucsync") + ";WRITE_DELAY=0";
        List<FiredTimer> fired = new CopyOnWriteArrayList<>();
        try (StateDatabase database = StateDatabase.open(url, "sa", "");
                WorkerStore store = new WorkerStore(database)) {
            assertThat(history(database))
                    .as("baselined at 0, then every migration")
                    .containsExactly("0 BASELINE", "1 SQL", "2 SQL", "3 SQL", "4 SQL", "5 SQL", "6 SQL", "7 SQL");
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            WorkerFacts kw01 = registry.facts("sip:kw01@ucsync.test");
            assertThat(kw01.ownPresence())
                    .isEqualTo(new Presence(
                            "sip:kw01@ucsync.test", Availability.AWAY, "off-work", PresenceSource.USER, WRITTEN_AT));
            assertThat(kw01.contactCenterDnd()).isTrue();
            assertThat(kw01.previewDeclinedUntil()).isEqualTo(WRITTEN_AT.plusSeconds(300));
            assertThat(kw01.calls()).containsExactly(Map.entry("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED));
            assertThat(kw01.reportedAgentState()).isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "Busy"));
            assertThat(kw01.requested()).containsExactly(AgentState.READY);
            assertThat(kw01.published()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
            assertThat(registry.facts("sip:kw02@ucsync.test").externalChange())
                    .isEqualTo(new WorkerFacts.ExternalChange(WRITTEN_AT, false));
            assertThat(registry.facts("sip:kw02@ucsync.test").reportedAgentState())
                    .isEqualTo(AgentState.LOGGED_OUT);

            registry.update("sip:kw02@ucsync.test", f -> f.withReportedAgentState(AgentState.READY), "EventAgentReady")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(registry.auditFor("sip:kw02@ucsync.test", 10))
                    .as("new entries go on after the old ones")
                    .containsExactly(
                            new AuditEntry(
                                    "sip:kw02@ucsync.test", CLOCK.instant(), "LoggedOut -> Ready", "EventAgentReady"),
                            new AuditEntry(
                                    "sip:kw02@ucsync.test", WRITTEN_AT, "Ready -> LoggedOut", "EventAgentLogout"),
                            new AuditEntry("sip:kw02@ucsync.test", WRITTEN_AT, "null -> Ready", "EventAgentReady"));
            assertThat(registry.auditFor("sip:kw01@ucsync.test", 10))
                    .containsExactly(new AuditEntry(
                            "sip:kw01@ucsync.test", WRITTEN_AT, "null -> NotReady(AuxWork, Busy)", "presence Busy"));
            registry.close();

            try (DurableTimers timers = new DurableTimers(database, Partitioning.SINGLE, null, fired::add)) {
                timers.start(0);
                await().atMost(Duration.ofSeconds(15)).until(() -> !fired.isEmpty());
                assertThat(fired)
                        .as("the overdue one, at once")
                        .extracting(FiredTimer::workerKey)
                        .containsExactly("sip:kw01@ucsync.test");
                assertThat(timers.pendingOf("sip:kw02@ucsync.test"))
                        .containsExactly(new PendingTimer(
                                "preview-decline", "sip:kw02@ucsync.test", Instant.parse("2099-01-01T00:00:00Z")));
            }
        }
        try (StateDatabase database = StateDatabase.open(url, "sa", "")) {
            assertThat(history(database))
                    .as("nothing more to migrate")
                    .containsExactly("0 BASELINE", "1 SQL", "2 SQL", "3 SQL", "4 SQL", "5 SQL", "6 SQL", "7 SQL");
        }
    }

    @Test
    void a_postgresql_database_with_tables_that_are_not_ucsyncs_is_refused_not_baselined() throws Exception {
        try (PostgresPeer postgres = PostgresPeer.start()) {
            String url = postgres.createDatabase();
            try (Connection connection = DriverManager.getConnection(url, postgres.user(), "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
            }
            assertThatThrownBy(() -> StateDatabase.open(url, postgres.user(), ""))
                    .isInstanceOf(StateStoreException.class)
                    .hasMessageStartingWith("state store " + url + ": the schema cannot be created or migrated: ")
                    .hasMessageContaining("no schema history table")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void a_store_that_cannot_be_reached_is_named_with_the_reason_in_one_line_without_a_password() {
        int port = FreePorts.pick(InetAddress.getLoopbackAddress());
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/ucsync?password=url-secret";
        assertThatThrownBy(() -> StateDatabase.open(url, "ucsync", "secret"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageStartingWith(
                        "state store jdbc:postgresql://127.0.0.1:" + port + "/ucsync?password=*** cannot be reached: ")
                .hasMessageContaining("Connection to 127.0.0.1:" + port + " refused")
                .hasMessageNotContaining("secret")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> StateDatabase.open("jdbc:mysql://127.0.0.1/ucsync", "ucsync", ""))
                .isInstanceOf(StateStoreException.class)
                .hasMessage(
                        "state store jdbc:mysql://127.0.0.1/ucsync is not a database ucsync supports (jdbc:h2:... or jdbc:postgresql://...)");
    }

    /** Flyway's history, "version type" in the order applied (without the line of the history table's creation). */
    private static List<String> history(StateDatabase database) throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT \"version\", \"type\" FROM \"" + StateDatabase.HISTORY_TABLE
                                + "\"" + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rows.next()) {
                versions.add(rows.getString(1) + " " + rows.getString(2));
            }
        }
        return versions;
    }
}
