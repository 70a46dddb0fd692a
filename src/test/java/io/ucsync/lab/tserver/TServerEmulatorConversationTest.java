package io.ucsync.lab.tserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.tlib.codec.EmbeddedTlwCodec;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.DnRole;
import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The conversation of src/main/docs/tlw1.md section 5 and the errors of section 4, over real sockets. */
class TServerEmulatorConversationTest {

    private TServerEmulator emulator;
    private final List<TestTlibClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        emulator = TServerEmulator.start(TServerEmulatorConfig.builder()
                .dns(List.of("5001", "5002", "5003"))
                .agents(Map.of("agent01", "pw1", "agent02", "pw2", "agent03", "pw3"))
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        for (TestTlibClient client : clients) {
            client.close();
        }
        emulator.close();
    }

    private TestTlibClient client() throws Exception {
        TestTlibClient client = TestTlibClient.connect(emulator.port());
        clients.add(client);
        return client;
    }

    private static TlibMessage login(String dn, String agent, String password, AgentWorkMode mode) {
        return TlibMessage.create(MessageType.RequestAgentLogin)
                .thisDN(dn)
                .agentId(agent)
                .password(password)
                .agentWorkMode(mode)
                .reasonCode(null);
    }

    private static KeyValueCollection reason(String code) {
        return new KeyValueCollection().addString("ReasonCode", code);
    }

    private static void assertError(TlibMessage event, ErrorCode code) {
        assertThat(event.type()).as("%s", event).isEqualTo(MessageType.EventError);
        assertThat(event.getErrorCode()).as("%s", event).isEqualTo(code.code());
        assertThat(event.getErrorMessage()).startsWith(code.text());
    }

    @Test
    void registerClientAnswersServerInfoThenLinkConnected() throws Exception {
        TestTlibClient client = client();
        TlibMessage info = client.registerClient();
        assertThat(info.getServerRole()).isEqualTo(ServerRole.Primary);
        assertThat(info.getServerVersion()).isNotBlank();
        assertThat(info.has(AttributeId.TimeinSecs)).isTrue();
        assertThat(info.has(AttributeId.TimeinuSecs)).isTrue();
        TlibMessage linkConnected = client.next(MessageType.EventLinkConnected);
        assertThat(linkConnected.getReferenceId()).isNull();
        assertThat(linkConnected.getEventSequenceNumber()).isGreaterThan(info.getEventSequenceNumber());
    }

    @Test
    void wrongProtocolVersionIs55AndTheConnectionCloses() throws Exception {
        TestTlibClient client = client();
        TlibMessage reply = client.request(TlibMessage.create(MessageType.RequestRegisterClient)
                .applicationName("old")
                .protocolVersion("TLW/2"));
        assertError(reply, ErrorCode.WrongProtocolVersion);
        await().atMost(Duration.ofSeconds(5)).until(client::isClosedByPeer);
    }

    @Test
    void requestWithoutReferenceIdIs53WithoutReferenceId() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        client.send(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001"));
        TlibMessage reply = client.next();
        assertError(reply, ErrorCode.InvalidAttribute);
        assertThat(reply.getReferenceId()).isNull();
        assertThat(reply.getThisDN()).isEqualTo("5001");
        client.send(
                TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001").referenceId(0));
        assertThat(client.next().getErrorCode()).isEqualTo(53);
        assertThat(emulator.state("5001").dnd()).isFalse();
    }

    @Test
    void requestBeforeRegisterClientIs53() throws Exception {
        TestTlibClient client = client();
        TlibMessage reply = client.request(TestTlibClient.registerAddress("5001"));
        assertError(reply, ErrorCode.InvalidAttribute);
        assertThat(reply.getErrorMessage()).contains("RequestRegisterClient");
        assertThat(reply.getThisDN()).isEqualTo("5001");
    }

    @Test
    void unknownMessageTypeIs51WithReferenceIdAndIgnoredWithout() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        client.send(TlibMessage.ofTypeCode(999));
        client.send(TlibMessage.create(MessageType.EventAgentReady).thisDN("5001"));
        client.assertNothingPendingFor("5001");
        TlibMessage reply = client.request(TlibMessage.ofTypeCode(999).thisDN("5001"));
        assertError(reply, ErrorCode.UnsupportedOperation);
        assertThat(reply.getThisDN()).isEqualTo("5001");
        // an event type sent as if it were a request is no request either
        assertError(
                client.request(TlibMessage.create(MessageType.EventDNDOn).thisDN("5001")),
                ErrorCode.UnsupportedOperation);
    }

    @Test
    void unknownMessageTypeIs51EvenBeforeRegisterClient() throws Exception {
        TestTlibClient client = client();
        assertError(client.request(TlibMessage.ofTypeCode(200)), ErrorCode.UnsupportedOperation);
    }

    @Test
    void missingOrMalformedRequiredAttributeIs53() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAgentLogin)
                        .thisDN("5001")
                        .password("pw1")
                        .agentWorkMode(AgentWorkMode.ManualIn)
                        .reasonCode(null)),
                ErrorCode.InvalidAttribute);
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAgentLogin)
                        .thisDN("5001")
                        .agentId("agent01")
                        .password("pw1")
                        .set(AttributeId.AgentWorkMode, 42)
                        .reasonCode(null)),
                ErrorCode.InvalidAttribute);
        assertError(client.request(TlibMessage.create(MessageType.RequestSetDNDOn)), ErrorCode.InvalidAttribute);
        assertError(
                client.request(TlibMessage.create(MessageType.RequestQueryAddress)
                        .thisDN("5001")
                        .set(AttributeId.AddressInfoType, 3)),
                ErrorCode.InvalidAttribute);
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAnswerCall).thisDN("5001")),
                ErrorCode.InvalidAttribute);
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                        .thisDN("5001")
                        .agentWorkMode(AgentWorkMode.ManualIn)
                        .reasonCode(null)),
                ErrorCode.InvalidAttribute);
        assertThat(emulator.state("5001").agentId()).isNull();
    }

    @Test
    void reasonsIsRequiredInLoginAndNotReadyAndMayBeEmpty() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        TlibMessage withoutReasons = client.request(TlibMessage.create(MessageType.RequestAgentLogin)
                .thisDN("5001")
                .agentId("agent01")
                .password("pw1")
                .agentWorkMode(AgentWorkMode.AuxWork));
        assertError(withoutReasons, ErrorCode.InvalidAttribute);
        assertThat(withoutReasons.getErrorMessage()).contains("Reasons missing");
        // Reasons sent as a STRING: a known attribute of the wrong valueType counts as missing
        TlibMessage login =
                login("5001", "agent01", "pw1", AgentWorkMode.AuxWork).referenceId(client.nextReferenceId());
        try (EmbeddedTlwCodec codec = new EmbeddedTlwCodec()) {
            client.sendBytes(withValueType(codec.encode(login), AttributeId.Reasons, 3));
        }
        TlibMessage wrongType = client.next(MessageType.EventError);
        assertThat(wrongType.getReferenceId()).isEqualTo(login.getReferenceId());
        assertThat(wrongType.getErrorCode()).isEqualTo(ErrorCode.InvalidAttribute.code());
        assertThat(emulator.state("5001").agentId())
                .as("refused before the login")
                .isNull();

        // an empty Reasons: logged in NotReady without a reason code
        assertThat(client.request(login("5001", "agent01", "pw1", AgentWorkMode.AuxWork))
                        .type())
                .isEqualTo(MessageType.EventAgentLogin);
        assertThat(client.next(MessageType.EventAgentNotReady).getReasonCode()).isNull();

        TlibMessage notReadyWithoutReasons = client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                .thisDN("5001")
                .agentWorkMode(AgentWorkMode.AfterCallWork));
        assertError(notReadyWithoutReasons, ErrorCode.InvalidAttribute);
        assertThat(notReadyWithoutReasons.getErrorMessage()).contains("Reasons missing");
        assertThat(emulator.state("5001").workMode())
                .as("the refused request changed nothing")
                .isEqualTo(AgentWorkMode.AuxWork);
        assertThat(client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                                .thisDN("5001")
                                .agentWorkMode(AgentWorkMode.AfterCallWork)
                                .reasonCode(null))
                        .type())
                .isEqualTo(MessageType.EventAgentNotReady);
        assertThat(emulator.state("5001").workMode()).isEqualTo(AgentWorkMode.AfterCallWork);
    }

    /** The frame with the valueType byte of this (KVLIST) attribute replaced, everything else as encoded. */
    private static byte[] withValueType(byte[] frame, AttributeId attribute, int valueType) {
        // MESSAGE: u32 length, magic, version, kind, u32 messageType, u16 attrCount, then the attributes
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        int at = 4 + 4 + 4 + 2;
        while (at < frame.length) {
            int attrId = buffer.getShort(at) & 0xFFFF;
            if (attrId == attribute.id()) {
                frame[at + 2] = (byte) valueType;
                return frame;
            }
            at += 2 + 1 + 4 + buffer.getInt(at + 3);
        }
        throw new IllegalArgumentException(attribute + " not in the frame");
    }

    @Test
    void registerAddressOfUnknownDnIs59AndUnregisteredDnIs41() throws Exception {
        TestTlibClient client = client();
        client.open();
        TlibMessage unknown = client.request(TestTlibClient.registerAddress("9999"));
        assertError(unknown, ErrorCode.DnNotConfigured);
        assertThat(unknown.getThisDN()).isEqualTo("9999");
        assertError(
                client.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001")),
                ErrorCode.DnNotRegistered);
        assertError(client.request(TestTlibClient.query("5001")), ErrorCode.DnNotRegistered);
        assertThat(client.request(TestTlibClient.registerAddress("5001")).type())
                .isEqualTo(MessageType.EventRegistered);
        TlibMessage unregistered = client.request(
                TlibMessage.create(MessageType.RequestUnregisterAddress).thisDN("5001"));
        assertThat(unregistered.type()).isEqualTo(MessageType.EventUnregistered);
        assertThat(unregistered.getThisDN()).isEqualTo("5001");
        assertError(
                client.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001")),
                ErrorCode.DnNotRegistered);
    }

    @Test
    void loginReadyGivesLoginThenReadyAndOtherRegisteredClientsSeeBoth() throws Exception {
        TestTlibClient agentDesktop = client();
        TestTlibClient monitor = client();
        agentDesktop.open("5001");
        monitor.open("5001");

        TlibMessage login = agentDesktop.request(
                login("5001", "agent01", "pw1", AgentWorkMode.AutoIn).thisQueue("8001"));
        assertThat(login.type()).isEqualTo(MessageType.EventAgentLogin);
        assertThat(login.getAgentId()).isEqualTo("agent01");
        assertThat(login.getAgentWorkMode()).isEqualTo(AgentWorkMode.AutoIn);
        TlibMessage ready = agentDesktop.next(MessageType.EventAgentReady);
        assertThat(ready.getReferenceId()).isNull();
        assertThat(ready.getThisDN()).isEqualTo("5001");

        TlibMessage loginCopy = monitor.next(MessageType.EventAgentLogin);
        assertThat(loginCopy.getReferenceId()).isNull();
        assertThat(loginCopy.getEventSequenceNumber()).isEqualTo(login.getEventSequenceNumber());
        assertThat(monitor.next(MessageType.EventAgentReady).getEventSequenceNumber())
                .isEqualTo(ready.getEventSequenceNumber());
        assertThat(ready.getEventSequenceNumber()).isGreaterThan(login.getEventSequenceNumber());

        assertThat(emulator.state("5001"))
                .extracting(DnState::agentId, DnState::status, DnState::workMode)
                .containsExactly("agent01", AgentStatus.Ready, AgentWorkMode.AutoIn);
    }

    @Test
    void loginNotReadyGivesNotReadyWithReason() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        client.request(login("5001", "agent01", "pw1", AgentWorkMode.AuxWork).reasons(reason("Busy")));
        TlibMessage notReady = client.next(MessageType.EventAgentNotReady);
        assertThat(notReady.getAgentWorkMode()).isEqualTo(AgentWorkMode.AuxWork);
        assertThat(notReady.getReasonCode()).isEqualTo("Busy");
        assertThat(emulator.state("5001").reasonCode()).isEqualTo("Busy");
    }

    @Test
    void sameAgentOnSameDnIsLoginAgainAndTheOtherLoginErrorsApply() throws Exception {
        TestTlibClient client = client();
        client.open("5001", "5002");
        client.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn));
        client.next(MessageType.EventAgentReady);

        TlibMessage again = client.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn));
        assertThat(again.type()).isEqualTo(MessageType.EventAgentLogin);
        assertThat(again.getAgentId()).isEqualTo("agent01");
        client.assertNothingPendingFor("5001");

        assertError(
                client.request(login("5001", "agent02", "pw2", AgentWorkMode.ManualIn)),
                ErrorCode.AnotherAgentLoggedIn);
        assertError(client.request(login("5002", "agent01", "pw1", AgentWorkMode.ManualIn)), ErrorCode.AgentIdInUse);
        assertError(
                client.request(login("5002", "agent02", "wrong", AgentWorkMode.ManualIn)), ErrorCode.PasswordMismatch);
        TlibMessage unknown = client.request(login("5002", "nobody", "pw", AgentWorkMode.ManualIn));
        assertError(unknown, ErrorCode.WrongAgentId);
        assertThat(unknown.getThisDN()).isEqualTo("5002");
        assertThat(emulator.state("5002").agentId()).isNull();
    }

    @Test
    void readyNotReadyAndLogoutRepeatTheirEventAndNeedALoggedInAgent() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAgentReady).thisDN("5001")),
                ErrorCode.AgentNotLoggedIn);
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                        .thisDN("5001")
                        .reasonCode(null)),
                ErrorCode.AgentNotLoggedIn);
        assertError(
                client.request(
                        TlibMessage.create(MessageType.RequestAgentLogout).thisDN("5001")),
                ErrorCode.AgentNotLoggedIn);

        client.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn));
        client.next(MessageType.EventAgentReady);
        assertThat(client.request(TlibMessage.create(MessageType.RequestAgentReady)
                                .thisDN("5001"))
                        .type())
                .isEqualTo(MessageType.EventAgentReady);

        TlibMessage notReady = client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                .thisDN("5001")
                .reasons(reason("Away")));
        assertThat(notReady.type()).isEqualTo(MessageType.EventAgentNotReady);
        assertThat(notReady.getAgentWorkMode()).isEqualTo(AgentWorkMode.AuxWork);
        assertThat(notReady.getReasonCode()).isEqualTo("Away");
        TlibMessage again = client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                .thisDN("5001")
                .reasons(reason("Away")));
        assertThat(again.type()).isEqualTo(MessageType.EventAgentNotReady);
        TlibMessage newReason = client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                .thisDN("5001")
                .agentWorkMode(AgentWorkMode.AfterCallWork)
                .reasonCode(null)
                .extensions(reason("InAMeeting")));
        assertThat(newReason.getReasonCode()).isEqualTo("InAMeeting");
        assertThat(emulator.state("5001"))
                .extracting(DnState::status, DnState::workMode, DnState::reasonCode)
                .containsExactly(AgentStatus.NotReady, AgentWorkMode.AfterCallWork, "InAMeeting");

        TlibMessage ready =
                client.request(TlibMessage.create(MessageType.RequestAgentReady).thisDN("5001"));
        assertThat(ready.getAgentWorkMode()).isEqualTo(AgentWorkMode.ManualIn);
        assertThat(emulator.state("5001").reasonCode()).isNull();

        TlibMessage logout = client.request(
                TlibMessage.create(MessageType.RequestAgentLogout).thisDN("5001"));
        assertThat(logout.type()).isEqualTo(MessageType.EventAgentLogout);
        assertThat(logout.getAgentId()).isEqualTo("agent01");
        assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.LoggedOut);
    }

    @Test
    void queryAddressReportsAgentStatus() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        TlibMessage empty = client.request(TestTlibClient.query("5001"));
        assertThat(empty.type()).isEqualTo(MessageType.EventAddressInfo);
        assertThat(empty.getAddressInfoStatus()).isEqualTo(AgentStatus.LoggedOut);
        assertThat(empty.getAgentId()).isNull();

        client.request(login("5001", "agent01", "pw1", AgentWorkMode.AuxWork).reasons(reason("Lunch")));
        client.next(MessageType.EventAgentNotReady);
        TlibMessage info = client.request(TestTlibClient.query("5001"));
        assertThat(info.getThisDN()).isEqualTo("5001");
        assertThat(info.getAddressInfoType()).isEqualTo(AddressInfoType.AgentStatus);
        assertThat(info.getAddressInfoStatus()).isEqualTo(AgentStatus.NotReady);
        assertThat(info.getAgentId()).isEqualTo("agent01");
        assertThat(info.getAgentWorkMode()).isEqualTo(AgentWorkMode.AuxWork);
        assertThat(info.getReasonCode()).isEqualTo("Lunch");
    }

    @Test
    void dndOnAndOff() throws Exception {
        TestTlibClient client = client();
        TestTlibClient monitor = client();
        client.open("5001");
        monitor.open("5001");
        assertThat(client.request(
                                TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001"))
                        .type())
                .isEqualTo(MessageType.EventDNDOn);
        assertThat(emulator.state("5001").dnd()).isTrue();
        assertThat(monitor.next(MessageType.EventDNDOn).getThisDN()).isEqualTo("5001");
        assertThat(client.request(
                                TlibMessage.create(MessageType.RequestSetDNDOff).thisDN("5001"))
                        .type())
                .isEqualTo(MessageType.EventDNDOff);
        assertThat(emulator.state("5001").dnd()).isFalse();
        monitor.next(MessageType.EventDNDOff);
    }

    @Test
    void makeAnswerAndReleaseAnInternalCall() throws Exception {
        TestTlibClient caller = client();
        TestTlibClient callee = client();
        caller.open("5001");
        callee.open("5002");
        TlibMessage dialing = caller.request(TlibMessage.create(MessageType.RequestMakeCall)
                .thisDN("5001")
                .otherDN("5002")
                .userData(new KeyValueCollection().addString("case", "42")));
        assertThat(dialing.type()).isEqualTo(MessageType.EventDialing);
        ConnectionId connId = dialing.getConnId();
        assertThat(connId).isNotNull();
        assertThat(dialing.getInt(AttributeId.ThisDNRole)).isEqualTo(DnRole.Origination.code());

        TlibMessage ringing = callee.next(MessageType.EventRinging);
        assertThat(ringing.getConnId()).isEqualTo(connId);
        assertThat(ringing.getThisDN()).isEqualTo("5002");
        assertThat(ringing.getOtherDN()).isEqualTo("5001");
        assertThat(ringing.getCallType()).isEqualTo(CallType.Internal);
        assertThat(ringing.getInt(AttributeId.ThisDNRole)).isEqualTo(DnRole.Destination.code());
        assertThat(ringing.getUserData().getString("case")).isEqualTo("42");
        assertThat(emulator.state("5002").calls()).containsExactly(connId.toString());

        assertError(
                caller.request(TlibMessage.create(MessageType.RequestAnswerCall)
                        .thisDN("5001")
                        .connId(connId)),
                ErrorCode.InvalidConnId);
        TlibMessage established = callee.request(
                TlibMessage.create(MessageType.RequestAnswerCall).thisDN("5002").connId(connId));
        assertThat(established.type()).isEqualTo(MessageType.EventEstablished);
        assertThat(caller.next(MessageType.EventEstablished).getThisDN()).isEqualTo("5001");
        assertError(
                callee.request(TlibMessage.create(MessageType.RequestAnswerCall)
                        .thisDN("5002")
                        .connId(connId)),
                ErrorCode.AlreadyInState);

        TlibMessage released = caller.request(TlibMessage.create(MessageType.RequestReleaseCall)
                .thisDN("5001")
                .connId(connId));
        assertThat(released.type()).isEqualTo(MessageType.EventReleased);
        assertThat(callee.next(MessageType.EventReleased).getConnId()).isEqualTo(connId);
        assertThat(emulator.state("5001").calls()).isEmpty();
        assertThat(emulator.state("5002").calls()).isEmpty();

        TlibMessage unknown = caller.request(TlibMessage.create(MessageType.RequestReleaseCall)
                .thisDN("5001")
                .connId(connId));
        assertError(unknown, ErrorCode.InvalidConnId);
        assertThat(unknown.getThisDN()).isEqualTo("5001");
    }

    @Test
    void callToUnconfiguredDnIs59() throws Exception {
        TestTlibClient caller = client();
        caller.open("5001");
        assertError(
                caller.request(TlibMessage.create(MessageType.RequestMakeCall)
                        .thisDN("5001")
                        .otherDN("0800123")),
                ErrorCode.DnNotConfigured);
    }

    @Test
    void callFromOutsideRingsInboundAndIsAnsweredAndReleasedFromTheApi() throws Exception {
        TestTlibClient callee = client();
        callee.open("5003");
        ConnectionId connId = emulator.call("+4930123", "5003");
        TlibMessage ringing = callee.next(MessageType.EventRinging);
        assertThat(ringing.getReferenceId()).isNull();
        assertThat(ringing.getCallType()).isEqualTo(CallType.Inbound);
        assertThat(ringing.getOtherDN()).isEqualTo("+4930123");
        assertThat(ringing.getConnId()).isEqualTo(connId);
        emulator.answer(connId);
        assertThat(callee.next(MessageType.EventEstablished).getConnId()).isEqualTo(connId);
        emulator.release(connId);
        assertThat(callee.next(MessageType.EventReleased).getConnId()).isEqualTo(connId);
        assertThat(emulator.state("5003").calls()).isEmpty();
    }

    @Test
    void linkDownRefusesAgentDndAndCallRequestsWith54ButKeepsRegisterAndQuery() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        client.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn));
        client.next(MessageType.EventAgentReady);

        emulator.linkDown();
        assertThat(client.next(MessageType.EventLinkDisconnected).getReferenceId())
                .isNull();
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAgentNotReady)
                        .thisDN("5001")
                        .reasonCode(null)),
                ErrorCode.NoLink);
        assertError(
                client.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001")), ErrorCode.NoLink);
        assertError(
                client.request(TlibMessage.create(MessageType.RequestMakeCall)
                        .thisDN("5001")
                        .otherDN("5002")),
                ErrorCode.NoLink);
        assertThat(client.request(TestTlibClient.registerAddress("5002")).type())
                .isEqualTo(MessageType.EventRegistered);
        assertThat(client.request(TestTlibClient.query("5001")).getAddressInfoStatus())
                .isEqualTo(AgentStatus.Ready);

        // a client opening during the outage gets no EventLinkConnected
        TestTlibClient late = client();
        late.registerClient();
        late.request(TestTlibClient.registerAddress("5001"));

        emulator.linkUp();
        client.next(MessageType.EventLinkConnected);
        late.next(MessageType.EventLinkConnected);
        assertThat(client.request(
                                TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001"))
                        .type())
                .isEqualTo(MessageType.EventDNDOn);
        assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.Ready);
    }

    @Test
    void checksApplyInSpecOrder() throws Exception {
        TestTlibClient client = client();
        client.open();
        emulator.linkDown();
        client.next(MessageType.EventLinkDisconnected);
        // 53 (missing attribute) before 41 before 54
        assertError(
                client.request(TlibMessage.create(MessageType.RequestAgentLogin).thisDN("5001")),
                ErrorCode.InvalidAttribute);
        assertError(client.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn)), ErrorCode.DnNotRegistered);
        client.request(TestTlibClient.registerAddress("5001"));
        // 54 before the request's own error (1707)
        assertError(
                client.request(
                        TlibMessage.create(MessageType.RequestAgentLogout).thisDN("5001")),
                ErrorCode.NoLink);
    }

    @Test
    void agentsStayLoggedInWhenTheConnectionClosesAndRegistrationsEnd() throws Exception {
        TestTlibClient first = client();
        first.open("5001");
        first.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn));
        first.next(MessageType.EventAgentReady);
        first.close();

        TestTlibClient second = client();
        second.open();
        assertError(
                second.request(
                        TlibMessage.create(MessageType.RequestAgentLogout).thisDN("5001")),
                ErrorCode.DnNotRegistered);
        second.request(TestTlibClient.registerAddress("5001"));
        assertThat(second.request(TestTlibClient.query("5001")).getAgentId()).isEqualTo("agent01");
        assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.Ready);
    }

    @Test
    void eventSequenceNumbersIncreaseAcrossEventsAndConnections() throws Exception {
        TestTlibClient a = client();
        TestTlibClient b = client();
        a.open("5001");
        b.open("5001");
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long direct = a.request(
                            TlibMessage.create(i % 2 == 0 ? MessageType.RequestSetDNDOn : MessageType.RequestSetDNDOff)
                                    .thisDN("5001"))
                    .getEventSequenceNumber();
            seen.add(direct);
            assertThat(b.next().getEventSequenceNumber())
                    .as("the copy shares the number")
                    .isEqualTo(direct);
            seen.add(b.request(TestTlibClient.query("5001")).getEventSequenceNumber());
        }
        assertThat(seen).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aMalformedFrameClosesOnlyThatConnection() throws Exception {
        TestTlibClient bad = client();
        TestTlibClient good = client();
        good.open("5001");
        bad.sendBytes(new byte[] {0, 0, 0, 8, 'X', 'Y', 1, 0, 0, 0, 0, 0});
        await().atMost(Duration.ofSeconds(5)).until(bad::isClosedByPeer);
        assertThat(good.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001"))
                        .type())
                .isEqualTo(MessageType.EventDNDOn);
    }

    @Test
    void statsCountRequestsPerDnAndName() throws Exception {
        TestTlibClient client = client();
        client.open("5001");
        client.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001"));
        client.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001"));
        assertThat(emulator.stats().get("5001"))
                .containsEntry("RequestSetDNDOn", 2)
                .containsEntry("RequestRegisterAddress", 1);
        assertThat(emulator.stats().get(RequestLog.NO_DN)).containsEntry("RequestRegisterClient", 1);
    }
}
