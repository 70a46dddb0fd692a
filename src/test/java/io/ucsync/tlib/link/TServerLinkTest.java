package io.ucsync.tlib.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.tserver.DnState;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link against the T-Server emulator: registration and resync, each step of src/main/docs/tlw1.md section 5 and
 * its errors.
 */
class TServerLinkTest {

    private TServerEmulator emulator;
    private TServerLink link;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void startEmulator() {
        emulator = TServerEmulator.start(TServerEmulatorConfig.builder()
                .dns(List.of("5001", "5002", "5003", "5004"))
                .agents(Map.of("agent01", "pw1", "agent02", "pw2", "agent03", "pw3"))
                .build());
    }

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        emulator.close();
    }

    static TServerLinkConfig.Builder config(int... ports) {
        StringBuilder endpoints = new StringBuilder();
        for (int port : ports) {
            endpoints
                    .append(endpoints.length() == 0 ? "" : ",")
                    .append("127.0.0.1:")
                    .append(port);
        }
        return TServerLinkConfig.builder()
                .endpoints(endpoints.toString())
                .requestTimeout(Duration.ofSeconds(3))
                .reconnectDelay(Duration.ofMillis(50))
                .reconnectMaxDelay(Duration.ofMillis(500));
    }

    private TServerLink startLink(String... dns) {
        link = new TServerLink("main", config(emulator.port()).build(), null);
        link.addListener(listener);
        for (String dn : dns) {
            link.register(dn);
        }
        link.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
        return link;
    }

    static TlibMessage login(String dn, String agent, String password, AgentWorkMode mode) {
        return TlibMessage.create(MessageType.RequestAgentLogin)
                .thisDN(dn)
                .agentId(agent)
                .password(password)
                .agentWorkMode(mode)
                .reasonCode(null);
    }

    static TlibMessage notReady(String dn, String reasonCode) {
        return TlibMessage.create(MessageType.RequestAgentNotReady)
                .thisDN(dn)
                .agentWorkMode(AgentWorkMode.AuxWork)
                .reasons(new KeyValueCollection().addString(TlibMessage.REASON_CODE_KEY, reasonCode));
    }

    static TlibMessage onDn(MessageType type, String dn) {
        return TlibMessage.create(type).thisDN(dn);
    }

    static TlibMessage answer(CompletableFuture<TlibMessage> request) {
        return request.orTimeout(5, TimeUnit.SECONDS).join();
    }

    static void assertRefused(CompletableFuture<TlibMessage> request, ErrorCode expected) {
        assertThatThrownBy(() -> request.orTimeout(5, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(TServerErrorException.class, error -> {
                    assertThat(error.getErrorCode()).isEqualTo(expected.code());
                    assertThat(error.getMessage())
                            .contains("EventError " + expected.code())
                            .contains(expected.name());
                });
    }

    @Test
    void registersEveryDnThenQueriesEachBeforeTakingRequests() {
        TServerLink other = new TServerLink("other", config(emulator.port()).build(), null);
        try {
            other.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> other.state() == LinkState.UP);
            answer(other.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn)));
        } finally {
            other.close();
        }

        startLink("5001", "5002");

        assertThat(listener.states).containsSubsequence(LinkState.RESYNCING, LinkState.UP);
        assertThat(listener.resyncEvents())
                .extracting(TlibMessage::type, TlibMessage::getThisDN)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(MessageType.EventAddressInfo, "5001"),
                        org.assertj.core.groups.Tuple.tuple(MessageType.EventAddressInfo, "5002"));
        TlibMessage info5001 = listener.resyncEvents().stream()
                .filter(e -> "5001".equals(e.getThisDN()))
                .findFirst()
                .orElseThrow();
        assertThat(info5001.getAgentId()).isEqualTo("agent01");
        assertThat(info5001.getAddressInfoStatus()).isEqualTo(AgentStatus.Ready);
        Map<String, Map<String, Integer>> stats = emulator.stats();
        assertThat(stats.get("5001"))
                .containsEntry("RequestRegisterAddress", 2)
                .containsEntry("RequestQueryAddress", 1);
        assertThat(stats.get("5002"))
                .containsEntry("RequestRegisterAddress", 1)
                .containsEntry("RequestQueryAddress", 1);
        assertThat(stats).doesNotContainKey("5003");
        assertThat(link.connectedTo()).isEqualTo("127.0.0.1:" + emulator.port());
        assertThat(link.switchLinkUp()).isTrue();
    }

    @Test
    void agentStepsOfSection5() {
        startLink("5001");

        TlibMessage loggedIn = answer(link.request(
                login("5001", "agent01", "pw1", AgentWorkMode.ManualIn).thisQueue("7001")));
        assertThat(loggedIn.type()).isEqualTo(MessageType.EventAgentLogin);
        assertThat(loggedIn.getAgentId()).isEqualTo("agent01");
        TlibMessage ready = listener.next(MessageType.EventAgentReady, "5001");
        assertThat(ready.getReferenceId())
                .as("the state event after a login is its own, unsolicited event")
                .isNull();

        TlibMessage notReady = answer(link.request(notReady("5001", "Busy")));
        assertThat(notReady.type()).isEqualTo(MessageType.EventAgentNotReady);
        assertThat(notReady.getReasonCode()).isEqualTo("Busy");
        assertThat(emulator.state("5001"))
                .extracting(DnState::status, DnState::workMode, DnState::reasonCode)
                .containsExactly(AgentStatus.NotReady, AgentWorkMode.AuxWork, "Busy");
        assertThat(answer(link.request(notReady("5001", "Busy"))).type())
                .as("the same state again is answered again")
                .isEqualTo(MessageType.EventAgentNotReady);
        assertThat(answer(link.request(notReady("5001", "Meeting"))).getReasonCode())
                .isEqualTo("Meeting");

        assertThat(answer(link.request(onDn(MessageType.RequestAgentReady, "5001")))
                        .type())
                .isEqualTo(MessageType.EventAgentReady);
        TlibMessage info = answer(link.request(
                onDn(MessageType.RequestQueryAddress, "5001").addressInfoType(AddressInfoType.AgentStatus)));
        assertThat(info.type()).isEqualTo(MessageType.EventAddressInfo);
        assertThat(info.getAddressInfoStatus()).isEqualTo(AgentStatus.Ready);
        assertThat(info.getAgentId()).isEqualTo("agent01");

        assertThat(answer(link.request(onDn(MessageType.RequestSetDNDOn, "5001")))
                        .type())
                .isEqualTo(MessageType.EventDNDOn);
        assertThat(emulator.state("5001").dnd()).isTrue();
        assertThat(answer(link.request(onDn(MessageType.RequestSetDNDOff, "5001")))
                        .type())
                .isEqualTo(MessageType.EventDNDOff);
        assertThat(emulator.state("5001").dnd()).isFalse();

        TlibMessage loggedOut = answer(link.request(onDn(MessageType.RequestAgentLogout, "5001")));
        assertThat(loggedOut.type()).isEqualTo(MessageType.EventAgentLogout);
        assertThat(loggedOut.getAgentId()).isEqualTo("agent01");
        assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.LoggedOut);

        int before = listener.events.size();
        answer(link.request(login("5001", "agent01", "pw1", AgentWorkMode.AuxWork)
                .reasons(new KeyValueCollection().addString(TlibMessage.REASON_CODE_KEY, "Lunch"))));
        assertThat(listener.next(MessageType.EventAgentNotReady, "5001", before).getReasonCode())
                .isEqualTo("Lunch");

        assertThat(answer(link.request(onDn(MessageType.RequestUnregisterAddress, "5001")))
                        .type())
                .isEqualTo(MessageType.EventUnregistered);
        assertThat(answer(link.request(onDn(MessageType.RequestAgentReady, "5001")))
                        .type())
                .as("a request on a DN no longer registered registers it again first, so 41 never reaches the route")
                .isEqualTo(MessageType.EventAgentReady);
        assertThat(emulator.stats().get("5001")).containsEntry("RequestRegisterAddress", 2);
    }

    @Test
    void callsFromInsideAndOutsideReachTheListener() {
        startLink("5001", "5002");

        TlibMessage dialing = answer(link.request(onDn(MessageType.RequestMakeCall, "5001")
                .otherDN("5002")
                .userData(new KeyValueCollection().addString("Campaign", "preview"))));
        assertThat(dialing.type()).isEqualTo(MessageType.EventDialing);
        TlibMessage ringing = listener.next(MessageType.EventRinging, "5002");
        ConnectionId connId = ringing.getConnId();
        assertThat(connId).isEqualTo(dialing.getConnId());
        assertThat(ringing.getUserData().getString("Campaign")).isEqualTo("preview");

        assertThat(answer(link.request(
                                onDn(MessageType.RequestAnswerCall, "5002").connId(connId)))
                        .type())
                .isEqualTo(MessageType.EventEstablished);
        listener.next(MessageType.EventEstablished, "5001");
        assertThat(answer(link.request(
                                onDn(MessageType.RequestReleaseCall, "5001").connId(connId)))
                        .type())
                .isEqualTo(MessageType.EventReleased);
        listener.next(MessageType.EventReleased, "5002");
        assertRefused(
                link.request(onDn(MessageType.RequestReleaseCall, "5001").connId(connId)), ErrorCode.InvalidConnId);

        ConnectionId inbound = emulator.call("+4930123", "5002");
        TlibMessage fromOutside = listener.next(MessageType.EventRinging, "5002", listener.events.size() - 1);
        assertThat(fromOutside.getConnId()).isEqualTo(inbound);
        assertThat(fromOutside.getInt(io.ucsync.tlib.protocol.AttributeId.CallType))
                .isEqualTo(CallType.Inbound.code());
    }

    @Test
    void everyRefusalOfSection5ReachesTheCallerWithItsCode() {
        startLink("5001", "5002", "5003");

        assertRefused(link.request(login("5001", "agent99", "pw", AgentWorkMode.ManualIn)), ErrorCode.WrongAgentId);
        assertRefused(
                link.request(login("5001", "agent01", "wrong", AgentWorkMode.ManualIn)), ErrorCode.PasswordMismatch);
        assertRefused(link.request(onDn(MessageType.RequestAgentReady, "5001")), ErrorCode.AgentNotLoggedIn);
        assertRefused(link.request(onDn(MessageType.RequestAgentLogout, "5001")), ErrorCode.AgentNotLoggedIn);
        answer(link.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn)));
        assertThat(answer(link.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn)))
                        .type())
                .as("the same agent on the same DN is answered EventAgentLogin again")
                .isEqualTo(MessageType.EventAgentLogin);
        assertRefused(
                link.request(login("5001", "agent02", "pw2", AgentWorkMode.ManualIn)), ErrorCode.AnotherAgentLoggedIn);
        assertRefused(link.request(login("5002", "agent01", "pw1", AgentWorkMode.ManualIn)), ErrorCode.AgentIdInUse);
        assertRefused(
                link.request(onDn(MessageType.RequestAnswerCall, "5002").connId(ConnectionId.random())),
                ErrorCode.InvalidConnId);
        assertRefused(
                link.request(
                        onDn(MessageType.RequestQueryAddress, "6999").addressInfoType(AddressInfoType.AgentStatus)),
                ErrorCode.DnNotConfigured);

        emulator.linkDown();
        listener.next(MessageType.EventLinkDisconnected, null);
        await().atMost(Duration.ofSeconds(5)).until(() -> !link.switchLinkUp());
        assertRefused(link.request(login("5003", "agent03", "pw3", AgentWorkMode.ManualIn)), ErrorCode.NoLink);
        assertRefused(link.request(onDn(MessageType.RequestSetDNDOn, "5001")), ErrorCode.NoLink);
        assertThat(answer(link.request(onDn(MessageType.RequestQueryAddress, "5001")
                                .addressInfoType(AddressInfoType.AgentStatus)))
                        .getAgentId())
                .as("queries work and agents survive while the switch link is down")
                .isEqualTo("agent01");
        emulator.linkUp();
        listener.next(MessageType.EventLinkConnected, null);
        await().atMost(Duration.ofSeconds(5)).until(link::switchLinkUp);
        assertThat(answer(link.request(login("5003", "agent03", "pw3", AgentWorkMode.ManualIn)))
                        .type())
                .isEqualTo(MessageType.EventAgentLogin);
    }

    @Test
    void requestsWhileNoServerIsReachableFailAtOnceAndTheLinkKeepsTrying() {
        int port = emulator.port();
        emulator.close();
        link = new TServerLink("main", config(port).build(), null);
        link.addListener(listener);
        link.start();

        assertThatThrownBy(() -> answer(link.request(onDn(MessageType.RequestAgentReady, "5001"))))
                .cause()
                .isInstanceOf(LinkDownException.class)
                .hasMessageContaining("CONNECTING")
                .hasMessageContaining("not sent");

        emulator = TServerEmulator.start(
                TServerEmulatorConfig.builder().port(port).dns(List.of("5001")).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
        assertThat(answer(link.request(login("5001", "agent01", "", AgentWorkMode.ManualIn)))
                        .type())
                .isEqualTo(MessageType.EventAgentLogin);
    }

    @Test
    void aRestartedServerIsFoundAgainAndTheLinkResynchronises() {
        startLink("5001");
        answer(link.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn)));
        int port = emulator.port();
        emulator.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.CONNECTING);

        emulator = TServerEmulator.start(
                TServerEmulatorConfig.builder().port(port).dns(List.of("5001")).build());
        int before = listener.events.size();
        await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
        assertThat(listener.events.stream()
                        .skip(before)
                        .filter(RecordingListener.Received::fromResync)
                        .map(r -> r.event().getThisDN()))
                .containsExactly("5001");
        assertThat(emulator.stats().get("5001"))
                .containsEntry("RequestRegisterAddress", 1)
                .containsEntry("RequestQueryAddress", 1);
    }
}
