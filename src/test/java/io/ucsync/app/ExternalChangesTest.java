package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.dn;
import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.engine.WorkerFacts;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contact center does to an agent (an agent desktop's after-call work, a supervisor's logout, another
 * system's Ready) is respected: ucsync sends nothing for that worker until one of its own inputs changes. The desktop
 * is a T-Server client of its own on its own connection.
 */
class ExternalChangesTest {

    private static final int BUSY = 6500;
    private static final int AWAY = 15500;

    @TempDir
    Path home;

    @Test
    void afterCallWorkSetOnTheDesktopStaysUntilThePresenceChanges() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                AgentDesktop desktop = AgentDesktop.connectedTo(ucsync.tserver().port())) {
            ucsync.awaitAgent(1, "Ready");

            desktop.notReady(dn(1), AgentWorkMode.AfterCallWork, "ACW");
            awaitExternalChangeSeen(ucsync, 1);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(1)).equals("NotReady ACW"));
            assertThat(ucsync.tserver().stats().get(dn(1)))
                    .as("ucsync did not answer the desktop")
                    .doesNotContainKey("RequestAgentReady");
            assertThat(ucsync.connector().workerViews().audit(worker(1), 1))
                    .singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.change()).isEqualTo("Ready -> NotReady(AfterCallWork, ACW)");
                        assertThat(entry.cause()).isEqualTo("EventAgentNotReady: set by another T-Server client");
                    });
            Map<String, Object> view = ucsync.connector().workerViews().view(worker(1));
            assertThat(view.get("desiredAgentState")).isNull();
            assertThat((String) view.get("why")).startsWith("the agent state was set by another T-Server client");
            assertThat(view.get("externalChange"))
                    .asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("by", "another T-Server client")
                    .containsEntry("held", true);

            ucsync.frontEnd().presence(worker(1), BUSY, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
            assertThat(ucsync.connector().workerViews().facts(worker(1)).externalChange())
                    .isNull();
        }
    }

    @Test
    void aSupervisorsLogoutStaysUntilThePresenceChangesAndADesktopsReadyLikewise() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                AgentDesktop supervisor =
                        AgentDesktop.connectedTo(ucsync.tserver().port())) {
            ucsync.awaitAgent(2, "Ready");
            supervisor.logout(dn(2));
            awaitExternalChangeSeen(ucsync, 2);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(2)).equals("LoggedOut"));
            assertThat(ucsync.tserver().stats().get(dn(2)))
                    .as("one login, at the start")
                    .containsEntry("RequestAgentLogin", 1);
            ucsync.frontEnd().presence(worker(2), BUSY, null, PresenceSource.USER);
            ucsync.awaitAgent(2, "NotReady Busy");

            ucsync.frontEnd().presence(worker(3), BUSY, null, PresenceSource.USER);
            ucsync.awaitAgent(3, "NotReady Busy");
            supervisor.ready(dn(3));
            awaitExternalChangeSeen(ucsync, 3);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(3)).equals("Ready"));
            ucsync.frontEnd().presence(worker(3), AWAY, null, PresenceSource.USER);
            ucsync.awaitAgent(3, "NotReady Away");
        }
    }

    @Test
    void revertAnswersOneExternalChangePerInputSoThatTwoSystemsNeverLoop() throws Exception {
        try (UcsyncHarness ucsync =
                        UcsyncHarness.in(home, "ucsync.external-changes=revert").start();
                AgentDesktop desktop = AgentDesktop.connectedTo(ucsync.tserver().port())) {
            ucsync.awaitAgent(1, "Ready");
            desktop.notReady(dn(1), AgentWorkMode.AfterCallWork, "ACW");
            ucsync.awaitAgent(1, "Ready");
            assertThat(ucsync.tserver().stats().get(dn(1))).containsEntry("RequestAgentReady", 1);

            // the desktop insists: the second change since the worker's last input stands
            desktop.notReady(dn(1), AgentWorkMode.AfterCallWork, "ACW");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                WorkerFacts facts = ucsync.connector().workerViews().facts(worker(1));
                return facts.heldByExternalChange();
            });
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(1)).equals("NotReady ACW"));
            assertThat(ucsync.tserver().stats().get(dn(1)))
                    .as("still one answer")
                    .containsEntry("RequestAgentReady", 1);

            // a new input: the map applies, and the next external change is answered once again
            ucsync.frontEnd().presence(worker(1), BUSY, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
            desktop.ready(dn(1));
            ucsync.awaitAgent(1, "NotReady Busy");
            // the desktop's two ACWs, ucsync's Busy, and ucsync's one answer to the desktop's Ready
            assertThat(ucsync.tserver().stats().get(dn(1))).containsEntry("RequestAgentNotReady", 4);
        }
    }

    @Test
    void aTServerRestartedEmptyGetsEveryAgentBackButOneASupervisorLoggedOutStaysOut() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                AgentDesktop supervisor =
                        AgentDesktop.connectedTo(ucsync.tserver().port())) {
            ucsync.awaitAgent(1, "Ready");
            ucsync.awaitAgent(2, "Ready");
            ucsync.awaitAgent(3, "Ready");
            supervisor.logout(dn(2));
            supervisor.notReady(dn(3), AgentWorkMode.AfterCallWork, "ACW");
            awaitExternalChangeSeen(ucsync, 2);
            awaitExternalChangeSeen(ucsync, 3);
            supervisor.close();

            ucsync.restartTServerEmpty();
            ucsync.awaitAgent(1, "Ready");
            ucsync.awaitAgent(
                    3, "Ready"); // the T-Server lost the desktop's ACW with the rest: the presence applies again
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(2)).equals("LoggedOut"));
            assertThat(ucsync.tserver().stats().get(dn(2)))
                    .as("the supervisor's logout stands")
                    .doesNotContainKey("RequestAgentLogin");
            assertThat(ucsync.connector().workerViews().facts(worker(2)).heldByExternalChange())
                    .isTrue();
        }
    }

    @Test
    void aCallThatRingsAndIsNeverAnsweredPublishesNothing() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(1, "Ready");
            var call = ucsync.tserver().call("+4930123456", dn(1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ucsync.connector()
                            .workerViews()
                            .facts(worker(1))
                            .calls()
                            .containsValue(WorkerFacts.CallPhase.ALERTING));
            // the ringing was decided on: had it published, the publication would be recorded with the facts
            assertThat(ucsync.connector().workerViews().facts(worker(1)).published())
                    .isNull();
            ucsync.tserver().release(call);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ucsync.connector()
                            .workerViews()
                            .facts(worker(1))
                            .calls()
                            .isEmpty());
            assertThat(ucsync.connector().workerViews().facts(worker(1)).published())
                    .isNull();
            assertThat(ucsync.frontEnd().publications(worker(1))).isEmpty();
        }
    }

    private static void awaitExternalChangeSeen(UcsyncHarness ucsync, int worker) {
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        ucsync.connector().workerViews().facts(worker(worker)).heldByExternalChange());
    }
}
