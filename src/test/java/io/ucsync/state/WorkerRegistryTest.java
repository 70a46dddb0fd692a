package io.ucsync.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.AgentWorkMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.ucsync.engine.AgentState;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.engine.WorkerFacts;

/** The registry on a real H2 database file. */
class WorkerRegistryTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private WorkerStore openStore() throws Exception {
        return new WorkerStore("jdbc:h2:file:" + dir.resolve("ucsync"), "sa", "");
    }

    @Test
    void facts_and_audit_survive_closing_and_reopening_the_database_file() throws Exception {
        Presence away = new Presence("sip:kw01@ucsync.test", Availability.AWAY, "off-work", PresenceSource.USER, CLOCK.instant());
        AgentState busy = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");
        try (WorkerStore store = openStore()) {
            WorkerRegistry registry = new WorkerRegistry(store, 2, CLOCK);
            registry.update("sip:kw01@ucsync.test", f -> f.withPresenceFromUc(away).withContactCenterDnd(true)
                    .withPreviewDeclinedUntil(CLOCK.instant().plusSeconds(300)).withCallPhase("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED)
                    .withPublished(new PublishedPresence(Availability.DO_NOT_DISTURB, null)), "test").toCompletableFuture().get(5, TimeUnit.SECONDS);
            registry.update("sip:kw01@ucsync.test", f -> f.withReportedAgentState(busy).withRequested(AgentState.READY)
                    .withRequested(AgentState.notReady(AgentWorkMode.AfterCallWork, "Wrap:up")), "presence Busy")
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            registry.update("sip:kw02@ucsync.test", f -> f.withExternalChange(AgentState.LOGGED_OUT,
                    new WorkerFacts.ExternalChange(CLOCK.instant(), false)), "EventAgentLogout").toCompletableFuture().get(5, TimeUnit.SECONDS);
            registry.close();
        }
        try (WorkerStore store = openStore()) {
            WorkerRegistry registry = new WorkerRegistry(store, 2, CLOCK);
            WorkerFacts facts = registry.facts("sip:kw01@ucsync.test");
            assertThat(facts.ownPresence()).isEqualTo(away);
            assertThat(facts.contactCenterDnd()).isTrue();
            assertThat(facts.previewDeclinedUntil()).isEqualTo(CLOCK.instant().plusSeconds(300));
            assertThat(facts.calls()).containsExactly(Map.entry("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED));
            assertThat(facts.reportedAgentState()).isEqualTo(busy);
            assertThat(facts.published()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
            assertThat(facts.externalChange()).isNull();
            assertThat(facts.requested()).as("what ucsync asked and the T-Server has not reported yet")
                    .containsExactly(AgentState.READY, AgentState.notReady(AgentWorkMode.AfterCallWork, "Wrap:up"));
            assertThat(registry.facts("sip:kw02@ucsync.test").externalChange()).as("a supervisor's logout is still respected after a restart")
                    .isEqualTo(new WorkerFacts.ExternalChange(CLOCK.instant(), false));
            assertThat(registry.auditFor("sip:kw01@ucsync.test", 10))
                    .containsExactly(new AuditEntry("sip:kw01@ucsync.test", CLOCK.instant(), "null -> NotReady(AuxWork, Busy)", "presence Busy"));
            registry.close();
        }
    }

    @Test
    void one_workers_changes_apply_in_order_while_workers_run_in_parallel() throws Exception {
        try (WorkerStore store = openStore()) {
            WorkerRegistry registry = new WorkerRegistry(store, 4, CLOCK);
            List<CompletableFuture<WorkerFacts>> all = new ArrayList<>();
            for (int step = 1; step <= 200; step++) {
                Instant until = Instant.ofEpochSecond(step);
                for (int worker = 0; worker < 8; worker++) {
                    String uri = "sip:kw" + worker + "@ucsync.test";
                    // Each change only applies on top of the one before it: out of order, the chain breaks.
                    all.add(registry.update(uri, f -> {
                        Instant before = f.previewDeclinedUntil();
                        if (before != null && !before.plusSeconds(1).equals(until)) {
                            throw new IllegalStateException("out of order: " + before + " then " + until);
                        }
                        return f.withPreviewDeclinedUntil(until);
                    }, "step").toCompletableFuture());
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            for (int worker = 0; worker < 8; worker++) {
                assertThat(registry.facts("sip:kw" + worker + "@ucsync.test").previewDeclinedUntil()).isEqualTo(Instant.ofEpochSecond(200));
            }
            registry.close();
        }
    }

    @Test
    void calls_saved_by_an_earlier_ucsync_without_their_phase_read_as_answered() {
        assertThat(WorkerStore.decodeCalls("0011223344556677,c2=ALERTING"))
                .containsOnly(Map.entry("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED), Map.entry("c2", WorkerFacts.CallPhase.ALERTING));
        assertThat(WorkerStore.decodeCalls("")).isEmpty();
        assertThat(WorkerStore.encodeCalls(Map.of("b", WorkerFacts.CallPhase.ALERTING, "a", WorkerFacts.CallPhase.ESTABLISHED)))
                .isEqualTo("a=ESTABLISHED,b=ALERTING");
    }
}
