package io.ucsync.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.ucsync.config.RosterEntry;
import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.http.RequestRefused;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.AgentWorkMode;

/**
 * The dashboard's board without a browser: its counts follow each worker's change, one at a time; a query's filters,
 * offset and limit pick the page and count the matches; a change says whether it moved a worker into or out of a
 * query; an offer past its time is found to be read again; a filter value the dashboard does not know is refused.
 */
class WorkerBoardTest {

    private static final AgentState BUSY = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");

    private final List<RosterEntry> roster = IntStream.rangeClosed(1, 10).mapToObj(i -> new RosterEntry("sip:kw" + i + "@test", "500" + i,
            "agent" + i, i <= 6 ? "east" : "west", null, null, i % 2 == 0 ? "emea" : null, null)).toList();
    private final Map<String, WorkerFacts> facts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> views = new ConcurrentHashMap<>();
    private final WorkerBoard board = new WorkerBoard(() -> roster, sipUri -> facts.getOrDefault(sipUri, WorkerFacts.NONE),
            sipUri -> views.getOrDefault(sipUri, Map.of()));

    @Test
    void theCountsFollowEachWorkersChange() {
        roster.forEach(worker -> set(worker.sipUri(), Availability.ONLINE, AgentState.READY, "Ready"));
        board.rebuild();
        WorkerBoard.Tally all = board.tally();
        assertThat(all.workers()).isEqualTo(10);
        assertThat(all.agentStates()).containsExactly(Map.entry("Ready", 10), Map.entry("NotReady", 0), Map.entry("LoggedOut", 0),
                Map.entry("unknown", 0));
        assertThat(all.presences()).containsEntry("Online", 10).containsEntry("Busy", 0).containsEntry("none", 0);
        assertThat(all.tservers()).containsExactly(Map.entry("east", 6), Map.entry("west", 4));
        assertThat(all.pools()).containsExactly(Map.entry("emea", 5), Map.entry("uc", 5));

        set("sip:kw3@test", Availability.BUSY, BUSY, BUSY.toString());
        set("sip:kw4@test", Availability.BUSY, AgentState.READY, BUSY.toString()); // refused: out of step
        List<WorkerBoard.Change> changes = board.refresh(List.of("sip:kw3@test", "sip:kw4@test", "sip:kw5@test", "sip:nobody@test"));
        assertThat(changes).extracting(WorkerBoard.Change::sipUri).containsExactly("sip:kw3@test", "sip:kw4@test");
        WorkerBoard.Tally after = board.tally();
        assertThat(after.agentStates()).containsEntry("Ready", 9).containsEntry("NotReady", 1);
        assertThat(after.notReadyReasons()).containsExactly(Map.entry("Busy", 1));
        assertThat(after.presences()).containsEntry("Online", 8).containsEntry("Busy", 2);
        assertThat(after.drift()).isEqualTo(1);
        assertThat(board.drift()).isEqualTo(1);
        assertThat(board.agents("Ready")).isEqualTo(9);
    }

    @Test
    void aQueryPicksItsPageAndCountsItsMatchesAndAChangeSaysWhetherItMovedAWorkerInOrOut() {
        roster.forEach(worker -> set(worker.sipUri(), Availability.ONLINE, AgentState.READY, "Ready"));
        set("sip:kw7@test", Availability.OFFLINE, AgentState.LOGGED_OUT, "LoggedOut");
        board.rebuild();

        WorkerBoard.Page first = board.page(query(Map.of("limit", "4")));
        assertThat(first.total()).isEqualTo(10);
        assertThat(first.rows()).extracting(WorkerRow::sipUri).containsExactly("sip:kw1@test", "sip:kw2@test", "sip:kw3@test", "sip:kw4@test");
        assertThat(board.page(query(Map.of("limit", "4", "offset", "8"))).rows()).extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw9@test", "sip:kw10@test");
        assertThat(board.page(query(Map.of("state", "Ready", "tserver", "west", "pool", "uc"))).rows()).extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw9@test");
        assertThat(board.page(query(Map.of("presence", "Offline"))).rows()).extracting(WorkerRow::sipUri).containsExactly("sip:kw7@test");
        assertThat(board.page(query(Map.of("q", "AGENT1"))).rows()).extracting(WorkerRow::sipUri).containsExactly("sip:kw1@test", "sip:kw10@test");
        assertThat(board.page(query(Map.of("q", "5008"))).rows()).extracting(WorkerRow::sipUri).containsExactly("sip:kw8@test");

        WorkerQuery ready = query(Map.of("state", "Ready"));
        set("sip:kw2@test", Availability.BUSY, BUSY, BUSY.toString());
        WorkerBoard.Change left = board.refresh(List.of("sip:kw2@test")).get(0);
        assertThat(ready.matches(left.before())).isTrue();
        assertThat(ready.matches(left.after())).isFalse();
        assertThat(board.page(ready).total()).isEqualTo(8);
    }

    @Test
    void anOfferPastItsTimeIsFoundAndFlagsAndDriftFilter() {
        roster.forEach(worker -> set(worker.sipUri(), Availability.ONLINE, AgentState.READY, "Ready"));
        Instant expires = Instant.parse("2030-01-01T10:00:00Z");
        views.get("sip:kw5@test").put("previewOffered", Map.of("id", "x", "expires", expires.toString(), "status", "offered"));
        views.get("sip:kw6@test").put("contactCenterDnd", true);
        board.rebuild();
        assertThat(board.tally().flags()).containsEntry("previewOffered", 1).containsEntry("contactCenterDnd", 1).containsEntry("onCall", 0);
        assertThat(board.page(query(Map.of("flag", "previewOffered"))).rows()).extracting(WorkerRow::sipUri).containsExactly("sip:kw5@test");
        assertThat(board.page(query(Map.of("drift", "false"))).total()).isEqualTo(10);
        assertThat(board.offersExpiredBy(expires.minusSeconds(1))).isEmpty();
        assertThat(board.offersExpiredBy(expires)).containsExactly("sip:kw5@test");
    }

    @Test
    void aFilterValueTheDashboardDoesNotKnowIsRefused() {
        assertThatThrownBy(() -> query(Map.of("state", "Busy"))).isInstanceOf(RequestRefused.class)
                .hasMessage("state must be one of [Ready, NotReady, LoggedOut, unknown]");
        assertThatThrownBy(() -> query(Map.of("flag", "vip"))).isInstanceOf(RequestRefused.class).hasMessageStartingWith("flag must be one of");
        assertThatThrownBy(() -> query(Map.of("limit", "0"))).isInstanceOf(RequestRefused.class)
                .hasMessage("limit must be a number from 1 to 200");
        assertThatThrownBy(() -> query(Map.of("offset", "-1"))).isInstanceOf(RequestRefused.class);
        assertThatThrownBy(() -> query(Map.of("drift", "yes"))).isInstanceOf(RequestRefused.class);
        assertThat(query(Map.of()).limit()).isEqualTo(WorkerQuery.DEFAULT_LIMIT);
    }

    private static WorkerQuery query(Map<String, String> parameters) {
        return WorkerQuery.from(parameters::get);
    }

    /** The worker's facts and the view the engine would compute from them, wanting {@code desired}. */
    private void set(String sipUri, Availability availability, AgentState reported, String desired) {
        facts.put(sipUri, WorkerFacts.NONE.withPresenceFromUc(new Presence(sipUri, availability, null, PresenceSource.USER, Instant.EPOCH))
                .withReportedAgentState(reported));
        Map<String, Object> view = new HashMap<>();
        view.put("sipUri", sipUri);
        view.put("agentState", reported.toString());
        view.put("desiredAgentState", desired);
        views.put(sipUri, view);
    }
}
