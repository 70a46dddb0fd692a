package io.ucsync.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ucsync.cluster.ClusterStatus;
import io.ucsync.config.RosterEntry;
import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.http.RequestRefused;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's board without a browser: its counts follow each worker's change, one at a time; a query's filters,
 * offset and limit pick the page and count the matches; a change says whether it moved a worker into or out of a
 * query; an offer past its time is found to be read again; the owner filter follows partitions as they move, and the
 * overview counts each cluster node's workers; a filter value the dashboard does not know is refused.
 */
class WorkerBoardTest {

    private static final AgentState BUSY = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");

    private final List<RosterEntry> roster = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> new RosterEntry(
                    "sip:kw" + i + "@test",
                    "500" + i,
                    "agent" + i,
                    i <= 6 ? "east" : "west",
                    null,
                    null,
                    i % 2 == 0 ? "emea" : null,
                    null))
            .toList();
    private final Map<String, WorkerFacts> facts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> views = new ConcurrentHashMap<>();
    /** Who owns each partition now: a test moves them as a cluster would. */
    private final Map<Integer, String> owners = new ConcurrentHashMap<>();

    private final WorkerBoard board = new WorkerBoard(
            () -> roster,
            sipUri -> facts.getOrDefault(sipUri, WorkerFacts.NONE),
            sipUri -> views.getOrDefault(sipUri, Map.of()),
            partition -> Optional.ofNullable(owners.get(partition)));

    @Test
    void theCountsFollowEachWorkersChange() {
        roster.forEach(worker -> set(worker.sipUri(), Availability.ONLINE, AgentState.READY, "Ready"));
        board.rebuild();
        WorkerBoard.Tally all = board.tally();
        assertThat(all.workers()).isEqualTo(10);
        assertThat(all.agentStates())
                .containsExactly(
                        Map.entry("Ready", 10),
                        Map.entry("NotReady", 0),
                        Map.entry("LoggedOut", 0),
                        Map.entry("unknown", 0));
        assertThat(all.presences())
                .containsEntry("Online", 10)
                .containsEntry("Busy", 0)
                .containsEntry("none", 0);
        assertThat(all.tservers()).containsExactly(Map.entry("east", 6), Map.entry("west", 4));
        assertThat(all.pools()).containsExactly(Map.entry("emea", 5), Map.entry("uc", 5));

        set("sip:kw3@test", Availability.BUSY, BUSY, BUSY.toString());
        set("sip:kw4@test", Availability.BUSY, AgentState.READY, BUSY.toString()); // refused: out of step
        List<WorkerBoard.Change> changes =
                board.refresh(List.of("sip:kw3@test", "sip:kw4@test", "sip:kw5@test", "sip:nobody@test"));
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
        assertThat(first.rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw1@test", "sip:kw2@test", "sip:kw3@test", "sip:kw4@test");
        assertThat(board.page(query(Map.of("limit", "4", "offset", "8"))).rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw9@test", "sip:kw10@test");
        assertThat(board.page(query(Map.of("state", "Ready", "tserver", "west", "pool", "uc")))
                        .rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw9@test");
        assertThat(board.page(query(Map.of("presence", "Offline"))).rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw7@test");
        assertThat(board.page(query(Map.of("q", "AGENT1"))).rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw1@test", "sip:kw10@test");
        assertThat(board.page(query(Map.of("q", "5008"))).rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw8@test");

        WorkerQuery ready = query(Map.of("state", "Ready"));
        set("sip:kw2@test", Availability.BUSY, BUSY, BUSY.toString());
        WorkerBoard.Change left = board.refresh(List.of("sip:kw2@test")).get(0);
        assertThat(board.matches(ready, left.before())).isTrue();
        assertThat(board.matches(ready, left.after())).isFalse();
        assertThat(board.page(ready).total()).isEqualTo(8);
    }

    @Test
    void anOfferPastItsTimeIsFoundAndFlagsAndDriftFilter() {
        roster.forEach(worker -> set(worker.sipUri(), Availability.ONLINE, AgentState.READY, "Ready"));
        Instant expires = Instant.parse("2030-01-01T10:00:00Z");
        views.get("sip:kw5@test")
                .put("previewOffered", Map.of("id", "x", "expires", expires.toString(), "status", "offered"));
        views.get("sip:kw6@test").put("contactCenterDnd", true);
        board.rebuild();
        assertThat(board.tally().flags())
                .containsEntry("previewOffered", 1)
                .containsEntry("contactCenterDnd", 1)
                .containsEntry("onCall", 0);
        assertThat(board.page(query(Map.of("flag", "previewOffered"))).rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw5@test");
        assertThat(board.page(query(Map.of("drift", "false"))).total()).isEqualTo(10);
        assertThat(board.offersExpiredBy(expires.minusSeconds(1))).isEmpty();
        assertThat(board.offersExpiredBy(expires)).containsExactly("sip:kw5@test");
    }

    @Test
    void rowsCarryTheirPartitionAndTheOwnerFilterFollowsThePartitionsAsTheyMove() {
        roster.forEach(worker -> set(worker.sipUri(), Availability.ONLINE, AgentState.READY, "Ready"));
        // three partitions: kw1, kw4, kw7, kw10 in 0; kw2, kw5, kw8 in 1; kw3, kw6, kw9 in 2
        IntStream.range(0, roster.size())
                .forEach(i -> views.get(roster.get(i).sipUri()).put("partition", i % 3));
        owners.putAll(Map.of(0, "node-a", 1, "node-b", 2, "node-a"));
        board.rebuild();
        assertThat(board.row("sip:kw5@test").partition()).isEqualTo(1);
        assertThat(board.tally().partitions()).containsExactly(Map.entry(0, 4), Map.entry(1, 3), Map.entry(2, 3));

        WorkerQuery ofNodeB = query(Map.of("owner", "node-b"));
        assertThat(board.page(ofNodeB).rows())
                .extracting(WorkerRow::sipUri)
                .containsExactly("sip:kw2@test", "sip:kw5@test", "sip:kw8@test");
        assertThat(board.page(query(Map.of("owner", "node-a", "limit", "3"))).total())
                .isEqualTo(7);

        // node-a dies: node-b takes partition 2 over; nobody owns partition 0 yet
        owners.put(2, "node-b");
        owners.remove(0);
        assertThat(board.page(ofNodeB).total()).isEqualTo(6);
        assertThat(board.page(query(Map.of("owner", "node-a"))).total()).isZero();
        assertThat(board.matches(ofNodeB, board.row("sip:kw3@test"))).isTrue();
    }

    @Test
    void theOverviewCountsEachNodesWorkersAndATableRowShowsTheOwner() {
        roster.forEach(worker -> set(worker.sipUri(), Availability.ONLINE, AgentState.READY, "Ready"));
        roster.forEach(worker -> {
            int partition = worker.tserver().equals("east") ? 0 : 1;
            views.get(worker.sipUri()).put("partition", partition);
            views.get(worker.sipUri()).put("owner", partition == 0 ? "node-a" : null);
        });
        board.rebuild();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("node", "node-a");
        summary.put("clustered", true);
        summary.put("unowned", List.of(1));
        summary.put(
                "nodes",
                List.of(
                        new ClusterStatus.Node("node-a", true, true, List.of(0)),
                        new ClusterStatus.Node("node-b", false, false, List.of())));
        AtomicReference<Map<String, Object>> cluster = new AtomicReference<>(summary);
        DashboardViews dashboard = new DashboardViews(
                board,
                new ActivityHistory(),
                new ConnectionStatus(List::of, List::of),
                sipUri -> views.get(sipUri),
                views::containsKey,
                null,
                cluster::get,
                Clock.systemUTC());

        assertThat(dashboard.overview()).as("not read yet").containsEntry("cluster", null);
        assertThat(dashboard.readCluster()).isTrue();
        assertThat(dashboard.readCluster()).as("read again, the same").isFalse();
        Map<?, ?> shown = (Map<?, ?>) dashboard.overview().get("cluster");
        assertThat(shown.get("unowned")).isEqualTo(List.of(1));
        assertThat(shown.get("nodes"))
                .isEqualTo(List.of(
                        Map.of("id", "node-a", "self", true, "alive", true, "partitions", List.of(0), "workers", 6),
                        Map.of("id", "node-b", "self", false, "alive", false, "partitions", List.of(), "workers", 0)));

        Map<?, ?> row = (Map<?, ?>)
                ((List<?>) dashboard.page(query(Map.of("limit", "1"))).get("workers")).get(0);
        assertThat(row.get("owner")).isEqualTo("node-a");
        assertThat(row.get("partition")).isEqualTo(0);

        Map<String, Object> movedOn = new LinkedHashMap<>(summary);
        movedOn.put("nodes", List.of(new ClusterStatus.Node("node-a", true, true, List.of(0, 1))));
        cluster.set(movedOn);
        assertThat(dashboard.readCluster())
                .as("partition 1 has an owner again: the feed sends every page again")
                .isTrue();
    }

    @Test
    void aFilterValueTheDashboardDoesNotKnowIsRefused() {
        assertThatThrownBy(() -> query(Map.of("state", "Busy")))
                .isInstanceOf(RequestRefused.class)
                .hasMessage("state must be one of [Ready, NotReady, LoggedOut, unknown]");
        assertThatThrownBy(() -> query(Map.of("flag", "vip")))
                .isInstanceOf(RequestRefused.class)
                .hasMessageStartingWith("flag must be one of");
        assertThatThrownBy(() -> query(Map.of("limit", "0")))
                .isInstanceOf(RequestRefused.class)
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
        facts.put(
                sipUri,
                WorkerFacts.NONE
                        .withPresenceFromUc(
                                new Presence(sipUri, availability, null, PresenceSource.USER, Instant.EPOCH))
                        .withReportedAgentState(reported));
        Map<String, Object> view = new HashMap<>();
        view.put("sipUri", sipUri);
        view.put("agentState", reported.toString());
        view.put("desiredAgentState", desired);
        views.put(sipUri, view);
    }
}
