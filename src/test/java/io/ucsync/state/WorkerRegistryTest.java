package io.ucsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.state.peers.TestStores;
import io.ucsync.state.peers.TestStores.Kind;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The registry on a real H2 database file and on a real PostgreSQL 15, the same tests on both. */
class WorkerRegistryTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @RegisterExtension
    static final TestStores stores = new TestStores();

    @TempDir
    Path dir;

    /** This test's database of that kind, migrated; the same one each time the test opens it. */
    private StateDatabase open(Kind kind) throws StateStoreException {
        return stores.database(kind, dir).open();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void facts_and_audit_survive_closing_and_reopening_the_database(Kind kind) throws Exception {
        Presence away = new Presence(
                "sip:kw01@ucsync.test", Availability.AWAY, "off-work", PresenceSource.USER, CLOCK.instant());
        AgentState busy = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            registry.update(
                            "sip:kw01@ucsync.test",
                            f -> f.withPresenceFromUc(away)
                                    .withContactCenterDnd(true)
                                    .withPreviewDeclinedUntil(CLOCK.instant().plusSeconds(300))
                                    .withCallPhase("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED)
                                    .withPublished(new PublishedPresence(Availability.DO_NOT_DISTURB, null)),
                            "test")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            registry.update(
                            "sip:kw01@ucsync.test",
                            f -> f.withReportedAgentState(busy)
                                    .withRequested(AgentState.READY)
                                    .withRequested(AgentState.notReady(AgentWorkMode.AfterCallWork, "Wrap:up")),
                            "presence Busy")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            registry.update(
                            "sip:kw02@ucsync.test",
                            f -> f.withExternalChange(
                                    AgentState.LOGGED_OUT, new WorkerFacts.ExternalChange(CLOCK.instant(), false)),
                            "EventAgentLogout")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            registry.close();
        }
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            WorkerFacts facts = registry.facts("sip:kw01@ucsync.test");
            assertThat(facts.ownPresence()).isEqualTo(away);
            assertThat(facts.contactCenterDnd()).isTrue();
            assertThat(facts.previewDeclinedUntil()).isEqualTo(CLOCK.instant().plusSeconds(300));
            assertThat(facts.calls()).containsExactly(Map.entry("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED));
            assertThat(facts.reportedAgentState()).isEqualTo(busy);
            assertThat(facts.published()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
            assertThat(facts.externalChange()).isNull();
            assertThat(facts.requested())
                    .as("what ucsync asked and the T-Server has not reported yet")
                    .containsExactly(AgentState.READY, AgentState.notReady(AgentWorkMode.AfterCallWork, "Wrap:up"));
            assertThat(registry.facts("sip:kw02@ucsync.test").externalChange())
                    .as("a supervisor's logout is still respected after a restart")
                    .isEqualTo(new WorkerFacts.ExternalChange(CLOCK.instant(), false));
            assertThat(registry.auditFor("sip:kw01@ucsync.test", 10))
                    .containsExactly(new AuditEntry(
                            "sip:kw01@ucsync.test",
                            CLOCK.instant(),
                            "null -> NotReady(AuxWork, Busy)",
                            "presence Busy"));
            registry.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void one_workers_changes_apply_in_order_while_workers_run_in_parallel(Kind kind) throws Exception {
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 4, CLOCK);
            List<CompletableFuture<WorkerFacts>> all = new ArrayList<>();
            for (int step = 1; step <= 200; step++) {
                Instant until = Instant.ofEpochSecond(step);
                for (int worker = 0; worker < 8; worker++) {
                    String uri = "sip:kw" + worker + "@ucsync.test";
                    // Each change only applies on top of the one before it: out of order, the chain breaks.
                    all.add(registry.update(uri, inOrder(until), "step").toCompletableFuture());
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            for (int worker = 0; worker < 8; worker++) {
                assertThat(registry.facts("sip:kw" + worker + "@ucsync.test").previewDeclinedUntil())
                        .isEqualTo(Instant.ofEpochSecond(200));
            }
            registry.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void retold_facts_nothing_acts_on_are_saved_soon_and_a_later_write_carries_their_audit(Kind kind) throws Exception {
        String uri = "sip:kw01@ucsync.test";
        AgentState busy = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            registry.decide(uri, "EventAgentReady", f -> actingOnNothing(f.withReportedAgentState(AgentState.READY)))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(registry.auditFor(uri, 10))
                    .as("the page shows the change at once, saved or not")
                    .extracting(AuditEntry::change)
                    .containsExactly("null -> Ready");
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(store.load(List.of(uri)).get(uri))
                            .as("saved soon after")
                            .isEqualTo(registry.facts(uri)));

            registry.decide(uri, "EventAgentNotReady", f -> actingOnNothing(f.withReportedAgentState(busy)))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            // acted on: saved, with the change before it, when its stage completes
            registry.update(uri, f -> f.withReportedAgentState(AgentState.READY), "presence Available")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(store.load(List.of(uri)).get(uri).reportedAgentState()).isEqualTo(AgentState.READY);
            assertThat(store.auditFor(uri, 10))
                    .extracting(AuditEntry::change, AuditEntry::cause)
                    .containsExactly(
                            tuple("NotReady(AuxWork, Busy) -> Ready", "presence Available"),
                            tuple("Ready -> NotReady(AuxWork, Busy)", "EventAgentNotReady"),
                            tuple("null -> Ready", "EventAgentReady"));

            registry.decide(uri, "EventAgentNotReady", f -> actingOnNothing(f.withReportedAgentState(busy)))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            registry.close();
        }
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            assertThat(store.load(List.of(uri)).get(uri).reportedAgentState())
                    .as("what was still to be saved soon is saved when the store closes")
                    .isEqualTo(busy);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void facts_nobody_tells_again_and_any_change_in_a_cluster_are_saved_before_the_change_completes(Kind kind)
            throws Exception {
        String uri = "sip:kw01@ucsync.test";
        try (StateDatabase database = open(kind);
                WorkerStore oneNode = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(oneNode, database, 2, CLOCK);
            registry.decide(uri, "DND on", f -> actingOnNothing(f.withContactCenterDnd(true)))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(oneNode.load(List.of(uri)).get(uri).contactCenterDnd()).isTrue();
            registry.close();
        }
        try (StateDatabase database = open(kind);
                WorkerStore clustered = new WorkerStore(database, true)) {
            WorkerRegistry registry = TestStores.startedRegistry(clustered, database, 2, CLOCK);
            registry.decide(uri, "EventAgentReady", f -> actingOnNothing(f.withReportedAgentState(AgentState.READY)))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(clustered.load(List.of(uri)).get(uri).reportedAgentState())
                    .as("the other nodes show the worker as the store has it")
                    .isEqualTo(AgentState.READY);
            registry.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void in_a_cluster_a_decision_that_acts_without_changing_facts_is_refused_once_another_node_took_over(Kind kind)
            throws Exception {
        String uri = "sip:kw01@ucsync.test";
        try (StateDatabase database = open(kind);
                WorkerStore clustered = new WorkerStore(database, true)) {
            WorkerRegistry registry = TestStores.startedRegistry(clustered, database, 2, CLOCK);
            registry.decide(uri, "a request asked again", f -> new WorkerRegistry.Decision<>(f, "sent"))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);

            new PartitionEpochs(database, Clock.systemUTC()).raise(0, "another node");
            CompletableFuture<String> stale = registry.decide(
                            uri, "a request asked again", f -> new WorkerRegistry.Decision<>(f, "sent"))
                    .toCompletableFuture();
            assertThatThrownBy(() -> stale.get(5, TimeUnit.SECONDS))
                    .as("a node that ran on after a pause does not act for the partition taken over")
                    .hasCauseInstanceOf(NotOwnerException.class);
            assertThat(registry.decide(
                                    uri,
                                    "a presence told again",
                                    f -> new WorkerRegistry.Decision<>(f, "nothing").actingOnNothing())
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS))
                    .as("a decision that acts on nothing asks nothing")
                    .isEqualTo("nothing");
            registry.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void retold_facts_the_database_would_refuse_are_refused_before_the_change_completes(Kind kind) throws Exception {
        String uri = "sip:kw01@ucsync.test";
        Presence tooLong = new Presence(uri, Availability.AWAY, "x".repeat(65), PresenceSource.USER, CLOCK.instant());
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            CompletableFuture<Void> change = registry.decide(
                            uri, "presence", f -> actingOnNothing(f.withPresenceFromUc(tooLong)))
                    .toCompletableFuture();
            assertThatThrownBy(() -> change.get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("refused by the state store");
            assertThat(registry.facts(uri))
                    .as("not applied: the worker's next changes are not refused with it")
                    .isEqualTo(WorkerFacts.NONE);
            registry.close();
        }
    }

    private static WorkerRegistry.Decision<Void> actingOnNothing(WorkerFacts facts) {
        return new WorkerRegistry.Decision<Void>(facts, null).actingOnNothing();
    }

    @Test
    void changes_made_while_postgresql_is_down_wait_in_order_and_are_saved_once_it_is_back() throws Exception {
        List<String> workers = List.of("sip:kw1@ucsync.test", "sip:kw2@ucsync.test", "sip:kw3@ucsync.test");
        try (LogCapture log = LogCapture.of(WorkerStore.class);
                StateDatabase database = open(Kind.POSTGRESQL);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            registry.update(workers.get(0), f -> f.withContactCenterDnd(true), "before")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);

            stores.postgres().stop();
            List<CompletableFuture<WorkerFacts>> during = new ArrayList<>();
            for (int step = 1; step <= 20; step++) {
                for (String worker : workers) {
                    during.add(registry.update(worker, inOrder(Instant.ofEpochSecond(step)), "step")
                            .toCompletableFuture());
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(registry::isWaitingForStore);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> during.stream().noneMatch(CompletableFuture::isDone));
            assertThat(workers)
                    .as("nothing acted on before it is saved")
                    .allSatisfy(worker -> assertThat(registry.facts(worker).previewDeclinedUntil())
                            .isNull());

            stores.postgres().startAgain();
            CompletableFuture.allOf(during.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(registry.isWaitingForStore()).isFalse();
            assertThat(log.linesWith("WARN", "cannot be reached")).hasSize(1);
            assertThat(log.linesWith("INFO", "reached again")).hasSize(1);
            registry.close();
        }
        try (StateDatabase database = open(Kind.POSTGRESQL);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            assertThat(workers)
                    .as("saved, the last change of each worker last")
                    .allSatisfy(worker -> assertThat(registry.facts(worker).previewDeclinedUntil())
                            .isEqualTo(Instant.ofEpochSecond(20)));
            assertThat(registry.facts(workers.get(0)).contactCenterDnd()).isTrue();
            registry.close();
        }
    }

    @Test
    void facts_saved_soon_that_a_stop_during_an_outage_leaves_unsaved_are_reported_in_one_line() throws Exception {
        List<String> workers = List.of("sip:kw1@ucsync.test", "sip:kw2@ucsync.test", "sip:kw3@ucsync.test");
        try (LogCapture log = LogCapture.of(WorkerStore.class)) {
            try (StateDatabase database = open(Kind.POSTGRESQL);
                    WorkerStore store = new WorkerStore(database)) {
                WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
                stores.postgres().stop();
                for (String worker : workers) {
                    registry.decide(
                                    worker,
                                    "EventAgentReady",
                                    f -> actingOnNothing(f.withReportedAgentState(AgentState.READY)))
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS); // nothing waits for them
                }
                await().atMost(Duration.ofSeconds(10)).until(registry::isWaitingForStore);
                registry.close();
            } finally {
                stores.postgres().startAgain();
            }
            assertThat(log.linesWith("WARN", "not saved"))
                    .singleElement()
                    .asString()
                    .contains("facts of 3 worker(s) nothing had acted on not saved")
                    .contains("tell them again");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void a_change_the_database_refuses_fails_alone_and_the_others_are_saved(Kind kind) throws Exception {
        String refused = "sip:kw0@ucsync.test";
        // longer than worker_facts.own_activity (64): both databases refuse the row
        Presence tooLong =
                new Presence(refused, Availability.BUSY, "x".repeat(100), PresenceSource.USER, CLOCK.instant());
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 4, CLOCK);
            List<CompletableFuture<WorkerFacts>> others = new ArrayList<>();
            CompletableFuture<WorkerFacts> refusedChange = registry.update(
                            refused, f -> f.withPresenceFromUc(tooLong), "presence")
                    .toCompletableFuture();
            for (int worker = 1; worker <= 40; worker++) {
                others.add(
                        registry.update("sip:kw" + worker + "@ucsync.test", f -> f.withContactCenterDnd(true), "flag")
                                .toCompletableFuture());
            }
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(refusedChange).failsWithin(Duration.ofSeconds(10));
            assertThat(registry.facts(refused).ownPresence()).as("not applied").isNull();
            assertThat(registry.update(refused, f -> f.withContactCenterDnd(true), "flag")
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS)
                            .contactCenterDnd())
                    .as("the worker's next change is saved")
                    .isTrue();
            registry.close();
        }
        try (StateDatabase database = open(kind);
                WorkerStore store = new WorkerStore(database)) {
            WorkerRegistry registry = TestStores.startedRegistry(store, database, 2, CLOCK);
            for (int worker = 0; worker <= 40; worker++) {
                assertThat(registry.facts("sip:kw" + worker + "@ucsync.test").contactCenterDnd())
                        .isTrue();
            }
            registry.close();
        }
    }

    /** Moves the window end to {@code until}; fails unless the change before it set the second before. */
    private static UnaryOperator<WorkerFacts> inOrder(Instant until) {
        return f -> {
            Instant before = f.previewDeclinedUntil();
            if (before != null && !before.plusSeconds(1).equals(until)) {
                throw new IllegalStateException("out of order: " + before + " then " + until);
            }
            return f.withPreviewDeclinedUntil(until);
        };
    }

    @Test
    void calls_saved_by_an_earlier_ucsync_without_their_phase_read_as_answered() {
        assertThat(WorkerStore.decodeCalls("0011223344556677,c2=ALERTING"))
                .containsOnly(
                        Map.entry("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED),
                        Map.entry("c2", WorkerFacts.CallPhase.ALERTING));
        assertThat(WorkerStore.decodeCalls("")).isEmpty();
        assertThat(WorkerStore.encodeCalls(
                        Map.of("b", WorkerFacts.CallPhase.ALERTING, "a", WorkerFacts.CallPhase.ESTABLISHED)))
                .isEqualTo("a=ESTABLISHED,b=ALERTING");
    }
}
