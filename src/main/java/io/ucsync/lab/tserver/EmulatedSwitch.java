package io.ucsync.lab.tserver;

import io.ucsync.lab.tserver.SwitchState.Call;
import io.ucsync.lab.tserver.SwitchState.Dn;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated switch's side of the TLW/1 conversation (src/main/docs/tlw1.md sections 4 and 5): each request a client
 * sends is checked in the order of section 4, then read against and applied to the {@link SwitchState}, and answered
 * through the {@link ClientSessions}. Where those sections leave a question open, the answers here are listed in
 * src/main/docs/tlw1.md section 8; a new one goes there too.
 * <p>
 * Confined to the emulator's single event loop: every connection, the mirror client and every Java API call
 * run on that one thread, so no state here needs a lock, and events leave in the order of their
 * EventSequenceNumber on every connection.
 */
final class EmulatedSwitch {

    static final String PROTOCOL_VERSION = "TLW/1";
    static final String SERVER_VERSION = "ucsync-tserver-emulator/1";
    static final String KEEPALIVE_EXTENSION = "keepalive-remote-timeout";

    private static final Logger LOG = LoggerFactory.getLogger(EmulatedSwitch.class);

    private static final Set<MessageType> AGENT_DND_AND_CALL_REQUESTS = Set.of(
            MessageType.RequestAgentLogin,
            MessageType.RequestAgentLogout,
            MessageType.RequestAgentReady,
            MessageType.RequestAgentNotReady,
            MessageType.RequestSetDNDOn,
            MessageType.RequestSetDNDOff,
            MessageType.RequestMakeCall,
            MessageType.RequestAnswerCall,
            MessageType.RequestReleaseCall);

    private final SwitchState state;
    /** AgentID to password; empty: any agent logs in with any password. */
    private final Map<String, String> agents;

    private final ClientSessions sessions;
    private final RequestLog requests;

    EmulatedSwitch(SwitchState state, Map<String, String> agents, ClientSessions sessions, RequestLog requests) {
        this.state = state;
        this.agents = agents;
        this.sessions = sessions;
        this.requests = requests;
    }

    /** One message from a client: the checks of src/main/docs/tlw1.md section 4 in their order, then the request. */
    void onMessage(ClientSession session, TlibMessage request) {
        requests.received(session, request);
        MessageType type = request.type();
        Integer referenceId = request.getReferenceId();
        if (referenceId != null && referenceId == 0) {
            referenceId = null;
        }
        if (type == null || !type.isRequest()) {
            if (referenceId != null) {
                sessions.error(
                        session,
                        request,
                        referenceId,
                        ErrorCode.UnsupportedOperation,
                        request.name() + " is not a request this server takes");
            } else {
                LOG.debug("ignoring {} without ReferenceID from {}", request.name(), session);
            }
            return;
        }
        if (referenceId == null) {
            sessions.error(session, request, null, ErrorCode.InvalidAttribute, "ReferenceID missing or 0");
            return;
        }
        if (type != MessageType.RequestRegisterClient && !session.isClientRegistered()) {
            sessions.error(
                    session, request, referenceId, ErrorCode.InvalidAttribute, "RequestRegisterClient must come first");
            return;
        }
        if (type != MessageType.RequestRegisterClient && state.role() == ServerRole.Backup) {
            sessions.error(session, request, referenceId, ErrorCode.OutOfService, null);
            return;
        }
        String invalid = RequestAttributeRules.firstBroken(request);
        if (invalid != null) {
            sessions.error(session, request, referenceId, ErrorCode.InvalidAttribute, invalid);
            return;
        }
        if (type != MessageType.RequestRegisterClient
                && type != MessageType.RequestRegisterAddress
                && !session.hasRegistered(request.getThisDN())) {
            sessions.error(session, request, referenceId, ErrorCode.DnNotRegistered, "DN " + request.getThisDN());
            return;
        }
        if (!state.linkUp() && AGENT_DND_AND_CALL_REQUESTS.contains(type)) {
            sessions.error(session, request, referenceId, ErrorCode.NoLink, null);
            return;
        }
        ClientRequest r = new ClientRequest(session, request, referenceId);
        switch (type) {
            case RequestRegisterClient -> registerClient(r);
            case RequestRegisterAddress -> registerAddress(r);
            case RequestUnregisterAddress -> unregisterAddress(r);
            case RequestQueryAddress -> queryAddress(r);
            case RequestAgentLogin -> login(r);
            case RequestAgentLogout -> logout(r);
            case RequestAgentReady -> ready(r);
            case RequestAgentNotReady -> notReady(r);
            case RequestSetDNDOn, RequestSetDNDOff -> dnd(r, type == MessageType.RequestSetDNDOn);
            case RequestMakeCall -> makeCall(r);
            case RequestAnswerCall -> answerCall(r);
            case RequestReleaseCall -> releaseCall(r);
            default -> sessions.error(session, request, referenceId, ErrorCode.UnsupportedOperation, request.name());
        }
    }

    private void registerClient(ClientRequest r) {
        if (!PROTOCOL_VERSION.equals(r.message().getProtocolVersion())) {
            sessions.error(
                    r.session(),
                    r.message(),
                    r.referenceId(),
                    ErrorCode.WrongProtocolVersion,
                    "\"" + r.message().getProtocolVersion() + "\", this server speaks " + PROTOCOL_VERSION);
            r.session().closeAfterFlush();
            return;
        }
        r.session().clientRegistered(r.message().getApplicationName());
        KeyValueCollection extensions = r.message().getExtensions();
        Integer seconds = extensions == null ? null : extensions.getInt(KEEPALIVE_EXTENSION);
        if (seconds != null && seconds > 0) {
            r.session().watch(Duration.ofSeconds(seconds));
        }
        sessions.reply(
                r,
                TlibMessage.create(MessageType.EventServerInfo)
                        .serverRole(state.role())
                        .serverVersion(SERVER_VERSION));
        if (state.linkUp()) {
            sessions.send(r.session(), TlibMessage.create(MessageType.EventLinkConnected));
        }
    }

    private void registerAddress(ClientRequest r) {
        String dn = r.message().getThisDN();
        if (!state.hasDn(dn)) {
            sessions.error(r, ErrorCode.DnNotConfigured, "DN " + dn);
            return;
        }
        r.session().register(dn);
        sessions.reply(r, TlibMessage.create(MessageType.EventRegistered).thisDN(dn));
    }

    private void unregisterAddress(ClientRequest r) {
        String dn = r.message().getThisDN();
        r.session().unregister(dn);
        sessions.reply(r, TlibMessage.create(MessageType.EventUnregistered).thisDN(dn));
    }

    private void queryAddress(ClientRequest r) {
        Dn dn = state.dn(r.message().getThisDN());
        TlibMessage info = TlibMessage.create(MessageType.EventAddressInfo)
                .thisDN(dn.name)
                .addressInfoType(AddressInfoType.AgentStatus)
                .addressInfoStatus(dn.status)
                .agentWorkMode(dn.workMode)
                .reasonCode(dn.reasonCode);
        if (dn.agentId != null) {
            info.agentId(dn.agentId);
        }
        sessions.reply(r, info);
    }

    private void login(ClientRequest r) {
        Dn dn = state.dn(r.message().getThisDN());
        String agentId = r.message().getAgentId();
        if (agentId.equals(dn.agentId)) {
            sessions.publish(r, dn.name, SwitchEvents.agentEvent(MessageType.EventAgentLogin, dn));
            return;
        }
        if (!agents.isEmpty() && !agents.containsKey(agentId)) {
            sessions.error(r, ErrorCode.WrongAgentId, "AgentID " + agentId);
            return;
        }
        if (!agents.isEmpty() && !agents.get(agentId).equals(r.message().getPassword())) {
            sessions.error(r, ErrorCode.PasswordMismatch, "AgentID " + agentId);
            return;
        }
        if (dn.agentId != null) {
            sessions.error(r, ErrorCode.AnotherAgentLoggedIn, "DN " + dn.name + " has agent " + dn.agentId);
            return;
        }
        Dn other = state.dnOfAgent(agentId);
        if (other != null) {
            sessions.error(r, ErrorCode.AgentIdInUse, "AgentID " + agentId + " is logged in on DN " + other.name);
            return;
        }
        AgentWorkMode mode = r.message().getAgentWorkMode();
        state.logIn(dn, agentId);
        dn.workMode = mode;
        dn.status = mode.isReady() ? AgentStatus.Ready : AgentStatus.NotReady;
        dn.reasonCode = mode.isReady() ? null : r.message().getReasonCode();
        TlibMessage loginEvent = SwitchEvents.agentEvent(MessageType.EventAgentLogin, dn);
        if (r.message().getThisQueue() != null) {
            loginEvent.thisQueue(r.message().getThisQueue());
        }
        sessions.publish(r, dn.name, loginEvent);
        sessions.publish(null, dn.name, SwitchEvents.statusEvent(dn));
    }

    private void ready(ClientRequest r) {
        Dn dn = loggedIn(r);
        if (dn == null) {
            return;
        }
        AgentWorkMode requested = r.message().getAgentWorkMode();
        dn.workMode = requested != null ? requested : dn.workMode.isReady() ? dn.workMode : AgentWorkMode.ManualIn;
        dn.status = AgentStatus.Ready;
        dn.reasonCode = null;
        sessions.publish(r, dn.name, SwitchEvents.statusEvent(dn));
    }

    private void notReady(ClientRequest r) {
        Dn dn = loggedIn(r);
        if (dn == null) {
            return;
        }
        AgentWorkMode requested = r.message().getAgentWorkMode();
        dn.workMode = requested != null ? requested : AgentWorkMode.AuxWork;
        dn.status = AgentStatus.NotReady;
        dn.reasonCode = r.message().getReasonCode();
        sessions.publish(r, dn.name, SwitchEvents.statusEvent(dn));
    }

    private void logout(ClientRequest r) {
        Dn dn = loggedIn(r);
        if (dn == null) {
            return;
        }
        TlibMessage event =
                TlibMessage.create(MessageType.EventAgentLogout).thisDN(dn.name).agentId(dn.agentId);
        state.logOut(dn);
        sessions.publish(r, dn.name, event);
    }

    /** The DN of the request when an agent is logged in on it; otherwise answers 1707 and returns null. */
    private Dn loggedIn(ClientRequest r) {
        Dn dn = state.dn(r.message().getThisDN());
        if (dn.agentId == null) {
            sessions.error(r, ErrorCode.AgentNotLoggedIn, "DN " + dn.name);
            return null;
        }
        return dn;
    }

    /** Setting DND to what it already is answers with the same event again, as agent states do (step 6). */
    private void dnd(ClientRequest r, boolean on) {
        Dn dn = state.dn(r.message().getThisDN());
        dn.dnd = on;
        sessions.publish(
                r,
                dn.name,
                TlibMessage.create(on ? MessageType.EventDNDOn : MessageType.EventDNDOff)
                        .thisDN(dn.name));
    }

    private void makeCall(ClientRequest r) {
        String caller = r.message().getThisDN();
        String callee = r.message().getOtherDN();
        if (!state.hasDn(callee)) {
            sessions.error(
                    r, ErrorCode.DnNotConfigured, "OtherDN " + callee + " (the emulator connects internal calls only)");
            return;
        }
        if (callee.equals(caller)) {
            sessions.error(r, ErrorCode.InvalidAttribute, "OtherDN is ThisDN");
            return;
        }
        Call call = new Call(
                ConnectionId.random(),
                caller,
                true,
                callee,
                CallType.Internal,
                r.message().getUserData());
        state.addCall(call);
        sessions.publish(r, caller, SwitchEvents.callEvent(MessageType.EventDialing, call, true));
        sessions.publish(null, callee, SwitchEvents.callEvent(MessageType.EventRinging, call, false));
    }

    private void answerCall(ClientRequest r) {
        Call call = state.call(r.message().getConnId());
        String dn = r.message().getThisDN();
        if (call == null || !call.callee.equals(dn)) {
            sessions.error(
                    r, ErrorCode.InvalidConnId, "ConnID " + r.message().getConnId() + " is not ringing on DN " + dn);
            return;
        }
        if (call.established) {
            sessions.error(r, ErrorCode.AlreadyInState, "ConnID " + call.connId + " is already established");
            return;
        }
        establish(call, r);
    }

    private void releaseCall(ClientRequest r) {
        Call call = state.call(r.message().getConnId());
        String dn = r.message().getThisDN();
        if (call == null || !call.hasParty(dn)) {
            sessions.error(
                    r, ErrorCode.InvalidConnId, "ConnID " + r.message().getConnId() + " has no party on DN " + dn);
            return;
        }
        release(call, r, dn);
    }

    /** A ringing call is answered: the callee's EventEstablished is the direct response to {@code r} (null from the control API). */
    void establish(Call call, ClientRequest r) {
        call.established = true;
        sessions.publish(r, call.callee, SwitchEvents.callEvent(MessageType.EventEstablished, call, false));
        if (call.callerIsDn) {
            sessions.publish(null, call.caller, SwitchEvents.callEvent(MessageType.EventEstablished, call, true));
        }
    }

    /**
     * Ends a call: the releasing party's EventReleased is the direct response (when there is a request; null from the
     * control API), then the other's.
     */
    void release(Call call, ClientRequest r, String releasingDn) {
        state.removeCall(call.connId);
        boolean callerFirst = call.caller.equals(releasingDn);
        sessions.publish(r, releasingDn, SwitchEvents.callEvent(MessageType.EventReleased, call, callerFirst));
        if (callerFirst) {
            sessions.publish(null, call.callee, SwitchEvents.callEvent(MessageType.EventReleased, call, false));
        } else if (call.callerIsDn) {
            sessions.publish(null, call.caller, SwitchEvents.callEvent(MessageType.EventReleased, call, true));
        }
    }
}
