package io.ucsync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which changes of a worker's facts the UC side and the T-Server tell again after a restart. */
class WorkerFactsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final AgentState BUSY = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");

    private final WorkerFacts before = WorkerFacts.NONE
            .withPresenceFromUc(presence(Availability.ONLINE))
            .withReportedAgentState(AgentState.READY)
            .withRequested(BUSY);

    @Test
    void presence_reports_and_settled_requests_are_told_again() {
        assertThat(before.withPresenceFromUc(presence(Availability.BUSY)).differsOnlyInRetoldFacts(before))
                .isTrue();
        assertThat(before.withReportedAgentState(BUSY).differsOnlyInRetoldFacts(before))
                .as("the answer to the request: reported, and no longer awaited")
                .isTrue();
        assertThat(before.withRequestRefused(BUSY).differsOnlyInRetoldFacts(before))
                .isTrue();
    }

    @Test
    void calls_the_workers_choices_publications_and_external_changes_are_told_by_nobody() {
        assertThat(before.withCallPhase("0011223344556677", WorkerFacts.CallPhase.ALERTING)
                        .differsOnlyInRetoldFacts(before))
                .isFalse();
        assertThat(before.withContactCenterDnd(true).differsOnlyInRetoldFacts(before))
                .isFalse();
        assertThat(before.withPreviewDeclinedUntil(NOW.plusSeconds(60)).differsOnlyInRetoldFacts(before))
                .isFalse();
        assertThat(before.withPublished(new PublishedPresence(Availability.DO_NOT_DISTURB, null))
                        .differsOnlyInRetoldFacts(before))
                .isFalse();
        assertThat(before.withExternalChange(AgentState.LOGGED_OUT, new WorkerFacts.ExternalChange(NOW, false))
                        .differsOnlyInRetoldFacts(before))
                .isFalse();
    }

    @Test
    void the_same_presence_told_again_is_no_change_whenever_it_says_it_was_published() {
        WorkerFacts revertedByUcsync =
                before.withExternalChange(AgentState.READY, new WorkerFacts.ExternalChange(NOW.minusSeconds(5), true));
        Presence toldAgain = new Presence(
                "sip:kw01@ucsync.test", Availability.ONLINE, null, PresenceSource.USER, NOW.plusSeconds(90));

        assertThat(revertedByUcsync.withPresenceFromUc(toldAgain))
                .as("a new subscription's first NOTIFY: the facts as they were, the external change kept")
                .isSameAs(revertedByUcsync);
        assertThat(revertedByUcsync
                        .withPresenceFromUc(presence(Availability.BUSY))
                        .externalChange())
                .as("a presence the worker changed ends the external change")
                .isNull();
    }

    private static Presence presence(Availability availability) {
        return new Presence("sip:kw01@ucsync.test", availability, null, PresenceSource.USER, NOW);
    }
}
