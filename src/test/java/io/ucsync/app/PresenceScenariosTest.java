package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.presence.Availability;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mission's presence scenarios end to end: presence set on the UC front end (emulator, over SIP) moves the
 * agent on the T-Server (emulator, over TLW/1) through ucsync's routes, and back.
 */
class PresenceScenariosTest {

    @TempDir
    Path home;

    @Test
    void manualPresenceChangesMoveTheAgentAndALoggedOutWorkerComingOnlineIsLoggedInFirst() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(1, "Ready");
            FrontEndEmulator uc = ucsync.frontEnd();

            uc.presence(worker(1), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
            uc.presence(worker(1), 15500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Away");
            uc.presence(worker(1), 12500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady BeRightBack");
            uc.presence(worker(1), 9500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady DoNotDisturb");
            uc.presence(worker(1), 18500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "LoggedOut");
            uc.presence(worker(1), 3500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "Ready");
            assertThat(ucsync.agent(1).agentId()).isEqualTo("agent1001");

            assertThat(ucsync.connector().workerViews().audit(worker(1), 20))
                    .as("every change of agent state is audited with its cause")
                    .anySatisfy(entry -> assertThat(entry.cause()).contains("presence Away"))
                    .anySatisfy(entry ->
                            assertThat(entry.change()).isEqualTo("NotReady(AuxWork, DoNotDisturb) -> LoggedOut"));
            assertThat(ucsync.tserver().stats().get(UcsyncHarness.dn(1)))
                    .as("one login at start, one after coming back online")
                    .containsEntry("RequestAgentLogin", 2);
        }
    }

    @Test
    void automaticPresenceFromCalendarAndMachineIsMappedLikeAnyOther() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(2, "Ready");
            FrontEndEmulator uc = ucsync.frontEnd();

            uc.presence(worker(2), 6500, "in-a-meeting", PresenceSource.CALENDAR);
            ucsync.awaitAgent(2, "NotReady InAMeeting");
            uc.presence(worker(2), 15500, "out-of-office", PresenceSource.CALENDAR);
            ucsync.awaitAgent(2, "NotReady OutOfOffice");
            uc.presence(worker(2), 4500, null, PresenceSource.MACHINE);
            ucsync.awaitAgent(2, "NotReady Idle");
            uc.presence(worker(2), 3500, null, PresenceSource.MACHINE);
            ucsync.awaitAgent(2, "Ready");
        }
    }

    @Test
    void anAnsweredCallShowsTheOnCallPresenceUntilItEndsWithoutTouchingTheAgentState() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(1, "Ready");
            FrontEndEmulator uc = ucsync.frontEnd();

            ConnectionId call = ucsync.tserver().call("+4930123456", UcsyncHarness.dn(1));
            ucsync.tserver().answer(call);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !uc.publications(worker(1)).isEmpty());
            assertThat(uc.publications(worker(1)))
                    .singleElement()
                    .satisfies(p -> assertThat(p.availability()).isEqualTo(Availability.DO_NOT_DISTURB.msPresValue()));
            // ucsync's own publication comes back from the front end as the worker's presence: it must not turn into a
            // NotReady
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(1)).equals("Ready"));

            ucsync.tserver().release(call);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> uc.publications(worker(1)).isEmpty());
            assertThat(ucsync.connector().workerViews().facts(worker(1)).calls())
                    .isEmpty();

            // the worker's own presence shows again and is mapped as before
            uc.presence(worker(1), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
        }
    }

    @Test
    void anInternalCallShowsTheOnCallPresenceOfCallerAndCalleeOnlyOnceAnswered() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                AgentDesktop desktop = AgentDesktop.connectedTo(ucsync.tserver().port())) {
            ucsync.awaitAgent(1, "Ready");
            ucsync.awaitAgent(2, "Ready");
            FrontEndEmulator uc = ucsync.frontEnd();

            // worker 1 dials worker 2 from the desktop: an outbound call for 1, an inbound one for 2, both only ringing
            ConnectionId call =
                    desktop.makeCall(UcsyncHarness.dn(1), UcsyncHarness.dn(2)).getConnId();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ucsync.connector()
                                    .workerViews()
                                    .facts(worker(1))
                                    .calls()
                                    .containsKey(call.toString())
                            && ucsync.connector()
                                    .workerViews()
                                    .facts(worker(2))
                                    .calls()
                                    .containsKey(call.toString()));
            assertThat(uc.publications(worker(1))).as("dialling is not talking").isEmpty();
            assertThat(uc.publications(worker(2))).as("ringing is not talking").isEmpty();

            ucsync.tserver().answer(call);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !uc.publications(worker(1)).isEmpty()
                            && !uc.publications(worker(2)).isEmpty());
            for (int worker = 1; worker <= 2; worker++) {
                assertThat(uc.publications(worker(worker)))
                        .singleElement()
                        .satisfies(
                                p -> assertThat(p.availability()).isEqualTo(Availability.DO_NOT_DISTURB.msPresValue()));
            }

            ucsync.tserver().release(call);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> uc.publications(worker(1)).isEmpty()
                            && uc.publications(worker(2)).isEmpty());
        }
    }

    @Test
    void withOncallTriggerRingingTheOnCallPresenceShowsWhileTheCallRings() throws Exception {
        try (UcsyncHarness ucsync =
                UcsyncHarness.in(home, "ucsync.oncall-trigger=ringing").start()) {
            ucsync.awaitAgent(1, "Ready");
            FrontEndEmulator uc = ucsync.frontEnd();
            ConnectionId call = ucsync.tserver().call("+4930123456", UcsyncHarness.dn(1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !uc.publications(worker(1)).isEmpty());
            ucsync.tserver().release(call);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> uc.publications(worker(1)).isEmpty());
        }
    }

    @Test
    void connectorModePublishesAgentStatesSetByAnotherClientAndFormsNoLoop() throws Exception {
        try (UcsyncHarness ucsync =
                UcsyncHarness.in(home, "ucsync.presence-sync-mode=connector").start()) {
            FrontEndEmulator uc = ucsync.frontEnd();
            // in connector mode ucsync never logs agents in: another T-Server client does
            try (TServerLink other = new TServerLink(
                    "desktop",
                    TServerLinkConfig.builder()
                            .endpoints("127.0.0.1:" + ucsync.tserver().port())
                            .build(),
                    null)) {
                other.start();
                await().atMost(Duration.ofSeconds(5)).until(() -> other.state() == LinkState.UP);
                other.request(TlibMessage.create(MessageType.RequestAgentLogin)
                                .thisDN(UcsyncHarness.dn(3))
                                .agentId("agent1003")
                                .password("")
                                .agentWorkMode(AgentWorkMode.ManualIn)
                                .reasonCode(null))
                        .get();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !uc.publications(worker(3)).isEmpty()
                                && uc.publications(worker(3)).get(0).availability()
                                        == Availability.ONLINE.msPresValue());

                other.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                                .thisDN(UcsyncHarness.dn(3))
                                .agentWorkMode(AgentWorkMode.AuxWork)
                                .reasons(new KeyValueCollection().addString(TlibMessage.REASON_CODE_KEY, "Lunch")))
                        .get();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !uc.publications(worker(3)).isEmpty()
                                && uc.publications(worker(3)).get(0).availability() == Availability.AWAY.msPresValue());

                // the publication comes back as presence; in connector mode it is never mapped to an agent state
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(3))
                        .until(() -> UcsyncHarness.describe(ucsync.agent(3)).equals("NotReady Lunch"));
                assertThat(ucsync.tserver().stats().get(UcsyncHarness.dn(3)))
                        .containsEntry("RequestAgentLogin", 1)
                        .containsEntry("RequestAgentNotReady", 1)
                        .doesNotContainKey("RequestAgentReady");
                assertThat(ucsync.agent(1).status())
                        .as("nobody logged worker 1 in")
                        .isEqualTo(AgentStatus.LoggedOut);
            }
        }
    }
}
