package io.ucsync.lab.tserver;

import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AddressType;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.ControlMode;
import io.ucsync.tlib.protocol.DnRole;
import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated switch: DNs, agents, calls, the switch link and the server role, and the TLW/1 conversation
 * (src/main/docs/tlw1.md sections 4 and 5) that reads and changes them. Where those sections leave a question open,
 * the answers here are listed in src/main/docs/tlw1.md section 8; a new one goes there too.
 * <p>
 * Confined to the emulator's single event loop: every connection, the mirror client and every Java API call
 * run on that one thread, so no state here needs a lock, and events leave in the order of their
 * EventSequenceNumber on every connection.
 */
final class EmulatedSwitch {

    static final String PROTOCOL_VERSION = "TLW/1";
    static final String SERVER_VERSION = "ucsync-tserver-emulator/1";
    static final String KEEPALIVE_EXTENSION = "keepalive-remote-timeout";
    /**
     * Reasons is listed without "optional" in RequestAgentLogin and RequestAgentNotReady (src/main/docs/tlw1.md section
     * 5, steps 5 and 6; RequestAgentLogout says "optional Reasons"): a request without it, or with it not a KVLIST, is 53.
     */
    private static final String REASONS_MISSING =
            "Reasons missing or not a KVLIST (send an empty list when there is no reason)";
    /** The stats key of requests that carry no ThisDN. */
    static final String NO_DN = "-";

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

    private final Map<String, Dn> dns = new LinkedHashMap<>();
    /** The DN each logged-in agent is on, by AgentID: a login checks it without a scan of every DN. */
    private final Map<String, Dn> dnsByAgent = new HashMap<>();

    private final Map<ConnectionId, Call> calls = new LinkedHashMap<>();
    private final Map<String, String> agents;
    private final List<ClientSession> sessions = new ArrayList<>();
    private final Map<String, Map<String, Integer>> stats = new TreeMap<>();
    private static final int JOURNAL_SIZE = 500_000;
    private final Deque<JournalEntry> journal = new ArrayDeque<>();
    private ServerRole role;
    private boolean linkUp = true;
    private long sequence;

    EmulatedSwitch(List<String> dnNames, Map<String, String> agents, ServerRole role) {
        dnNames.forEach(name -> dns.put(name, new Dn(name)));
        this.agents = agents;
        this.role = role;
    }

    // ---- connections

    void opened(ClientSession session) {
        sessions.add(session);
    }

    void closed(ClientSession session) {
        sessions.remove(session);
    }

    /** Closes every connection, abruptly when {@code abort}. */
    void closeAll(boolean abort) {
        for (ClientSession session : List.copyOf(sessions)) {
            session.close(abort);
        }
    }

    // ---- the conversation

    /** One message from a client: the checks of src/main/docs/tlw1.md section 4 in their order, then the request. */
    void onMessage(ClientSession session, TlibMessage request) {
        count(request);
        journal(session, request);
        MessageType type = request.type();
        Integer referenceId = request.getReferenceId();
        if (referenceId != null && referenceId == 0) {
            referenceId = null;
        }
        if (type == null || !type.isRequest()) {
            if (referenceId != null) {
                error(
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
            error(session, request, null, ErrorCode.InvalidAttribute, "ReferenceID missing or 0");
            return;
        }
        if (type != MessageType.RequestRegisterClient && !session.isClientRegistered()) {
            error(session, request, referenceId, ErrorCode.InvalidAttribute, "RequestRegisterClient must come first");
            return;
        }
        if (type != MessageType.RequestRegisterClient && role == ServerRole.Backup) {
            error(session, request, referenceId, ErrorCode.OutOfService, null);
            return;
        }
        String invalid = invalidAttribute(request);
        if (invalid != null) {
            error(session, request, referenceId, ErrorCode.InvalidAttribute, invalid);
            return;
        }
        if (type != MessageType.RequestRegisterClient
                && type != MessageType.RequestRegisterAddress
                && !session.hasRegistered(request.getThisDN())) {
            error(session, request, referenceId, ErrorCode.DnNotRegistered, "DN " + request.getThisDN());
            return;
        }
        if (!linkUp && AGENT_DND_AND_CALL_REQUESTS.contains(type)) {
            error(session, request, referenceId, ErrorCode.NoLink, null);
            return;
        }
        Request r = new Request(session, request, referenceId);
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
            default -> error(session, request, referenceId, ErrorCode.UnsupportedOperation, request.name());
        }
    }

    /**
     * The first attribute rule (src/main/docs/tlw1.md section 4, the second 53) that a request breaks, or null when it
     * has all it needs.
     */
    private static String invalidAttribute(TlibMessage m) {
        switch (m.type()) {
            case RequestRegisterClient:
                if (blank(m.getProtocolVersion())) {
                    return "ProtocolVersion missing";
                }
                if (blank(m.getApplicationName())) {
                    return "ApplicationName missing";
                }
                KeyValueCollection extensions = m.getExtensions();
                if (extensions != null && hasKey(extensions, KEEPALIVE_EXTENSION)) {
                    Integer seconds = extensions.getInt(KEEPALIVE_EXTENSION);
                    if (seconds == null || seconds < 0) {
                        return "Extensions " + KEEPALIVE_EXTENSION + " must be an INT of seconds >= 0";
                    }
                }
                return null;
            case RequestRegisterAddress:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (m.getRegisterMode() == null) {
                    return "RegisterMode missing or unknown";
                }
                if (m.getInt(AttributeId.ControlMode) == null
                        || ControlMode.of(m.getInt(AttributeId.ControlMode)) == null) {
                    return "ControlMode missing or unknown";
                }
                Integer addressType = m.getInt(AttributeId.AddressType);
                if (addressType == null || addressType != AddressType.DN.code()) {
                    return "AddressType must be 1 (DN)";
                }
                return null;
            case RequestQueryAddress:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                return m.getAddressInfoType() == AddressInfoType.AgentStatus
                        ? null
                        : "AddressInfoType must be 4 (AgentStatus)";
            case RequestAgentLogin:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (blank(m.getAgentId())) {
                    return "AgentID missing";
                }
                if (m.getPassword() == null) {
                    return "Password missing";
                }
                if (m.getAgentWorkMode() == null) {
                    return "AgentWorkMode missing or unknown";
                }
                return m.getReasons() == null ? REASONS_MISSING : null;
            case RequestAgentReady:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (m.has(AttributeId.AgentWorkMode)
                        && (m.getAgentWorkMode() == null
                                || !m.getAgentWorkMode().isReady())) {
                    return "AgentWorkMode of RequestAgentReady must be 1, 2 or 7";
                }
                return null;
            case RequestAgentNotReady:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (m.has(AttributeId.AgentWorkMode)
                        && (m.getAgentWorkMode() == null || m.getAgentWorkMode().isReady())) {
                    return "AgentWorkMode of RequestAgentNotReady must not be 1, 2 or 7";
                }
                return m.getReasons() == null ? REASONS_MISSING : null;
            case RequestMakeCall:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                return blank(m.getOtherDN()) ? "OtherDN missing" : null;
            case RequestAnswerCall:
            case RequestReleaseCall:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                return m.getConnId() == null ? "ConnID missing" : null;
            default:
                return blank(m.getThisDN()) ? "ThisDN missing" : null;
        }
    }

    private void registerClient(Request r) {
        if (!PROTOCOL_VERSION.equals(r.message.getProtocolVersion())) {
            error(
                    r.session,
                    r.message,
                    r.referenceId,
                    ErrorCode.WrongProtocolVersion,
                    "\"" + r.message.getProtocolVersion() + "\", this server speaks " + PROTOCOL_VERSION);
            r.session.closeAfterFlush();
            return;
        }
        r.session.clientRegistered(r.message.getApplicationName());
        KeyValueCollection extensions = r.message.getExtensions();
        Integer seconds = extensions == null ? null : extensions.getInt(KEEPALIVE_EXTENSION);
        if (seconds != null && seconds > 0) {
            r.session.watch(Duration.ofSeconds(seconds));
        }
        reply(
                r,
                TlibMessage.create(MessageType.EventServerInfo).serverRole(role).serverVersion(SERVER_VERSION));
        if (linkUp) {
            r.session.send(stamp(TlibMessage.create(MessageType.EventLinkConnected)));
        }
    }

    private void registerAddress(Request r) {
        String dn = r.message.getThisDN();
        if (!dns.containsKey(dn)) {
            error(r, ErrorCode.DnNotConfigured, "DN " + dn);
            return;
        }
        r.session.register(dn);
        reply(r, TlibMessage.create(MessageType.EventRegistered).thisDN(dn));
    }

    private void unregisterAddress(Request r) {
        String dn = r.message.getThisDN();
        r.session.unregister(dn);
        reply(r, TlibMessage.create(MessageType.EventUnregistered).thisDN(dn));
    }

    private void queryAddress(Request r) {
        Dn dn = dns.get(r.message.getThisDN());
        TlibMessage info = TlibMessage.create(MessageType.EventAddressInfo)
                .thisDN(dn.name)
                .addressInfoType(AddressInfoType.AgentStatus)
                .addressInfoStatus(dn.status)
                .agentWorkMode(dn.workMode)
                .reasonCode(dn.reasonCode);
        if (dn.agentId != null) {
            info.agentId(dn.agentId);
        }
        reply(r, info);
    }

    private void login(Request r) {
        Dn dn = dns.get(r.message.getThisDN());
        String agentId = r.message.getAgentId();
        if (agentId.equals(dn.agentId)) {
            publish(r, dn.name, agentEvent(MessageType.EventAgentLogin, dn));
            return;
        }
        if (!agents.isEmpty() && !agents.containsKey(agentId)) {
            error(r, ErrorCode.WrongAgentId, "AgentID " + agentId);
            return;
        }
        if (!agents.isEmpty() && !agents.get(agentId).equals(r.message.getPassword())) {
            error(r, ErrorCode.PasswordMismatch, "AgentID " + agentId);
            return;
        }
        if (dn.agentId != null) {
            error(r, ErrorCode.AnotherAgentLoggedIn, "DN " + dn.name + " has agent " + dn.agentId);
            return;
        }
        Dn other = dnOfAgent(agentId);
        if (other != null) {
            error(r, ErrorCode.AgentIdInUse, "AgentID " + agentId + " is logged in on DN " + other.name);
            return;
        }
        AgentWorkMode mode = r.message.getAgentWorkMode();
        logIn(dn, agentId);
        dn.workMode = mode;
        dn.status = mode.isReady() ? AgentStatus.Ready : AgentStatus.NotReady;
        dn.reasonCode = mode.isReady() ? null : r.message.getReasonCode();
        TlibMessage loginEvent = agentEvent(MessageType.EventAgentLogin, dn);
        if (r.message.getThisQueue() != null) {
            loginEvent.thisQueue(r.message.getThisQueue());
        }
        publish(r, dn.name, loginEvent);
        publish(null, dn.name, statusEvent(dn));
    }

    private void ready(Request r) {
        Dn dn = loggedIn(r);
        if (dn == null) {
            return;
        }
        AgentWorkMode requested = r.message.getAgentWorkMode();
        dn.workMode = requested != null ? requested : dn.workMode.isReady() ? dn.workMode : AgentWorkMode.ManualIn;
        dn.status = AgentStatus.Ready;
        dn.reasonCode = null;
        publish(r, dn.name, statusEvent(dn));
    }

    private void notReady(Request r) {
        Dn dn = loggedIn(r);
        if (dn == null) {
            return;
        }
        AgentWorkMode requested = r.message.getAgentWorkMode();
        dn.workMode = requested != null ? requested : AgentWorkMode.AuxWork;
        dn.status = AgentStatus.NotReady;
        dn.reasonCode = r.message.getReasonCode();
        publish(r, dn.name, statusEvent(dn));
    }

    private void logout(Request r) {
        Dn dn = loggedIn(r);
        if (dn == null) {
            return;
        }
        TlibMessage event =
                TlibMessage.create(MessageType.EventAgentLogout).thisDN(dn.name).agentId(dn.agentId);
        logOut(dn);
        publish(r, dn.name, event);
    }

    /** The DN of the request when an agent is logged in on it; otherwise answers 1707 and returns null. */
    private Dn loggedIn(Request r) {
        Dn dn = dns.get(r.message.getThisDN());
        if (dn.agentId == null) {
            error(r, ErrorCode.AgentNotLoggedIn, "DN " + dn.name);
            return null;
        }
        return dn;
    }

    /** Setting DND to what it already is answers with the same event again, as agent states do (step 6). */
    private void dnd(Request r, boolean on) {
        Dn dn = dns.get(r.message.getThisDN());
        dn.dnd = on;
        publish(
                r,
                dn.name,
                TlibMessage.create(on ? MessageType.EventDNDOn : MessageType.EventDNDOff)
                        .thisDN(dn.name));
    }

    private void makeCall(Request r) {
        String caller = r.message.getThisDN();
        String callee = r.message.getOtherDN();
        if (!dns.containsKey(callee)) {
            error(r, ErrorCode.DnNotConfigured, "OtherDN " + callee + " (the emulator connects internal calls only)");
            return;
        }
        if (callee.equals(caller)) {
            error(r, ErrorCode.InvalidAttribute, "OtherDN is ThisDN");
            return;
        }
        Call call = new Call(ConnectionId.random(), caller, true, callee, CallType.Internal, r.message.getUserData());
        calls.put(call.connId, call);
        publish(r, caller, callEvent(MessageType.EventDialing, call, true));
        publish(null, callee, callEvent(MessageType.EventRinging, call, false));
    }

    private void answerCall(Request r) {
        Call call = calls.get(r.message.getConnId());
        String dn = r.message.getThisDN();
        if (call == null || !call.callee.equals(dn)) {
            error(r, ErrorCode.InvalidConnId, "ConnID " + r.message.getConnId() + " is not ringing on DN " + dn);
            return;
        }
        if (call.established) {
            error(r, ErrorCode.AlreadyInState, "ConnID " + call.connId + " is already established");
            return;
        }
        establish(call, r);
    }

    private void releaseCall(Request r) {
        Call call = calls.get(r.message.getConnId());
        String dn = r.message.getThisDN();
        if (call == null || !call.hasParty(dn)) {
            error(r, ErrorCode.InvalidConnId, "ConnID " + r.message.getConnId() + " has no party on DN " + dn);
            return;
        }
        release(call, r, dn);
    }

    private void establish(Call call, Request r) {
        call.established = true;
        publish(r, call.callee, callEvent(MessageType.EventEstablished, call, false));
        if (call.callerIsDn) {
            publish(null, call.caller, callEvent(MessageType.EventEstablished, call, true));
        }
    }

    /** Ends a call: the releasing party's EventReleased is the direct response (when there is a request), then the other's. */
    private void release(Call call, Request r, String releasingDn) {
        calls.remove(call.connId);
        boolean callerFirst = call.caller.equals(releasingDn);
        publish(r, releasingDn, callEvent(MessageType.EventReleased, call, callerFirst));
        if (callerFirst) {
            publish(null, call.callee, callEvent(MessageType.EventReleased, call, false));
        } else if (call.callerIsDn) {
            publish(null, call.caller, callEvent(MessageType.EventReleased, call, true));
        }
    }

    // ---- the control API (on the event loop)

    ConnectionId callFromOutside(String from, String toDn) {
        requirePrimaryWithLink();
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("the calling number must not be blank");
        }
        if (!dns.containsKey(toDn)) {
            throw new IllegalArgumentException("DN " + toDn + " is not configured");
        }
        Call call = new Call(ConnectionId.random(), from, false, toDn, CallType.Inbound, null);
        calls.put(call.connId, call);
        publish(null, toDn, callEvent(MessageType.EventRinging, call, false));
        return call.connId;
    }

    void answer(ConnectionId connId) {
        requirePrimaryWithLink();
        Call call = existingCall(connId);
        if (call.established) {
            throw new IllegalStateException("ConnID " + connId + " is already established");
        }
        establish(call, null);
    }

    void release(ConnectionId connId) {
        requirePrimaryWithLink();
        Call call = existingCall(connId);
        release(call, null, call.callee);
    }

    private Call existingCall(ConnectionId connId) {
        Call call = calls.get(connId);
        if (call == null) {
            throw new IllegalArgumentException("no call with ConnID " + connId);
        }
        return call;
    }

    private void requirePrimaryWithLink() {
        if (role != ServerRole.Primary) {
            throw new IllegalStateException("the server is in Backup role");
        }
        if (!linkUp) {
            throw new IllegalStateException("the switch link is down");
        }
    }

    void setLink(boolean up) {
        if (linkUp == up) {
            return;
        }
        linkUp = up;
        LOG.info("switch link {}", up ? "up" : "down");
        broadcast(TlibMessage.create(up ? MessageType.EventLinkConnected : MessageType.EventLinkDisconnected));
    }

    /** Backup to Primary; false when it already was Primary. */
    boolean promote() {
        if (role == ServerRole.Primary) {
            return false;
        }
        role = ServerRole.Primary;
        LOG.info("promoted to Primary");
        broadcast(TlibMessage.create(MessageType.EventPrimaryChanged).serverRole(ServerRole.Primary));
        return true;
    }

    ServerRole role() {
        return role;
    }

    List<DnState> states() {
        return dns.values().stream().map(this::snapshot).toList();
    }

    DnState state(String dn) {
        Dn d = dns.get(dn);
        if (d == null) {
            throw new IllegalArgumentException("DN " + dn + " is not configured");
        }
        return snapshot(d);
    }

    List<JournalEntry> journal() {
        return List.copyOf(journal);
    }

    Map<String, Map<String, Integer>> stats() {
        Map<String, Map<String, Integer>> copy = new TreeMap<>();
        stats.forEach((dn, perType) -> copy.put(dn, Map.copyOf(perType)));
        return copy;
    }

    private DnState snapshot(Dn d) {
        List<String> connIds = calls.values().stream()
                .filter(c -> c.hasParty(d.name))
                .map(c -> c.connId.toString())
                .toList();
        return new DnState(d.name, d.agentId, d.status, d.workMode, d.reasonCode, d.dnd, connIds);
    }

    // ---- following a primary (mirror)

    /** The requests a mirroring backup sends the primary after RequestRegisterClient: register and query every DN. */
    List<String> dnNames() {
        return List.copyOf(dns.keySet());
    }

    /** Applies an event of the followed primary to this switch's state, without events to this server's own DN clients. */
    void follow(TlibMessage event) {
        MessageType type = event.type();
        if (type == MessageType.EventLinkConnected || type == MessageType.EventLinkDisconnected) {
            setLink(type == MessageType.EventLinkConnected);
            return;
        }
        if (type == null || event.getThisDN() == null) {
            return;
        }
        Dn dn = dns.get(event.getThisDN());
        if (dn == null) {
            return;
        }
        AgentWorkMode mode = event.getAgentWorkMode();
        switch (type) {
            case EventAddressInfo -> {
                if (event.getAddressInfoStatus() == AgentStatus.LoggedOut || event.getAgentId() == null) {
                    logOut(dn);
                } else {
                    logIn(dn, event.getAgentId());
                    dn.status = event.getAddressInfoStatus();
                    dn.workMode = mode != null ? mode : AgentWorkMode.Unknown;
                    dn.reasonCode = event.getReasonCode();
                }
            }
            case EventAgentLogin -> {
                logIn(dn, event.getAgentId());
                if (mode != null) {
                    dn.workMode = mode;
                    dn.status = mode.isReady() ? AgentStatus.Ready : AgentStatus.NotReady;
                }
            }
            case EventAgentReady -> {
                dn.status = AgentStatus.Ready;
                dn.reasonCode = null;
                dn.workMode = mode != null ? mode : AgentWorkMode.ManualIn;
            }
            case EventAgentNotReady -> {
                dn.status = AgentStatus.NotReady;
                dn.reasonCode = event.getReasonCode();
                dn.workMode = mode != null ? mode : AgentWorkMode.AuxWork;
            }
            case EventAgentLogout -> logOut(dn);
            case EventDNDOn -> dn.dnd = true;
            case EventDNDOff -> dn.dnd = false;
            case EventDialing ->
                calls.computeIfAbsent(
                        event.getConnId(),
                        id -> new Call(id, dn.name, true, event.getOtherDN(), CallType.Internal, event.getUserData()));
            case EventRinging ->
                calls.computeIfAbsent(event.getConnId(), id -> {
                    boolean inbound = event.getCallType() == CallType.Inbound;
                    return new Call(
                            id,
                            event.getOtherDN(),
                            !inbound && dns.containsKey(event.getOtherDN()),
                            dn.name,
                            inbound ? CallType.Inbound : CallType.Internal,
                            event.getUserData());
                });
            case EventEstablished -> {
                Call call = event.getConnId() == null ? null : calls.get(event.getConnId());
                if (call != null) {
                    call.established = true;
                }
            }
            case EventReleased -> {
                if (event.getConnId() != null) {
                    calls.remove(event.getConnId());
                }
            }
            default -> LOG.debug("mirror: nothing to follow in {}", event.name());
        }
    }

    // ---- events

    private TlibMessage agentEvent(MessageType type, Dn dn) {
        return TlibMessage.create(type).thisDN(dn.name).agentId(dn.agentId).agentWorkMode(dn.workMode);
    }

    /** EventAgentReady or EventAgentNotReady {AgentWorkMode, Reasons} for the DN's current status. */
    private TlibMessage statusEvent(Dn dn) {
        if (dn.status == AgentStatus.Ready) {
            return agentEvent(MessageType.EventAgentReady, dn);
        }
        return agentEvent(MessageType.EventAgentNotReady, dn).reasonCode(dn.reasonCode);
    }

    /** A call event on the caller's side (ThisDNRole 1) or the callee's side (ThisDNRole 2). */
    private static TlibMessage callEvent(MessageType type, Call call, boolean callerSide) {
        TlibMessage event = TlibMessage.create(type)
                .connId(call.connId)
                .callType(call.type)
                .thisDN(callerSide ? call.caller : call.callee)
                .otherDN(callerSide ? call.callee : call.caller)
                .thisDNRole(callerSide ? DnRole.Origination : DnRole.Destination);
        if (call.userData != null) {
            event.userData(call.userData);
        }
        return event;
    }

    /**
     * A state event on a DN: the direct response (with its ReferenceID) to the requester when there is a request,
     * and a copy without ReferenceID to every other connection that registered the DN.
     */
    private void publish(Request request, String dn, TlibMessage event) {
        stamp(event);
        ClientSession requester = null;
        if (request != null) {
            requester = request.session;
            requester.send(copy(event).referenceId(request.referenceId));
        }
        for (ClientSession session : sessions) {
            if (session != requester && session.hasRegistered(dn)) {
                session.send(copy(event));
            }
        }
    }

    /** Link and primary events: to every connection that has sent RequestRegisterClient. */
    private void broadcast(TlibMessage event) {
        stamp(event);
        for (ClientSession session : sessions) {
            if (session.isClientRegistered()) {
                session.send(copy(event));
            }
        }
    }

    private void reply(Request r, TlibMessage event) {
        r.session.send(stamp(event).referenceId(r.referenceId));
    }

    private void error(Request r, ErrorCode code, String detail) {
        error(r.session, r.message, r.referenceId, code, detail);
    }

    private void error(ClientSession session, TlibMessage request, Integer referenceId, ErrorCode code, String detail) {
        TlibMessage event = TlibMessage.create(MessageType.EventError).errorCode(code);
        if (detail != null) {
            event.errorMessage(code.text() + ": " + detail);
        }
        if (referenceId != null) {
            event.referenceId(referenceId);
        }
        if (request.getThisDN() != null) {
            event.thisDN(request.getThisDN());
        }
        LOG.debug("{} from {} refused: {} {}", request.name(), session, code.code(), event.getErrorMessage());
        session.send(stamp(event));
    }

    private TlibMessage stamp(TlibMessage event) {
        return event.time(Instant.now()).eventSequenceNumber(++sequence);
    }

    private static TlibMessage copy(TlibMessage event) {
        TlibMessage copy = TlibMessage.ofTypeCode(event.messageTypeCode());
        event.attributes().forEach(copy::set);
        return copy;
    }

    /** Remembers, for tests, which client sent which request on a DN, and when; the newest {@value #JOURNAL_SIZE}. */
    private void journal(ClientSession session, TlibMessage request) {
        if (request.getThisDN() != null
                && request.type() != null
                && request.type().isRequest()) {
            if (journal.size() == JOURNAL_SIZE) {
                journal.removeFirst();
            }
            journal.addLast(new JournalEntry(Instant.now(), session.toString(), request.name(), request.getThisDN()));
        }
    }

    private void count(TlibMessage request) {
        String dn = request.getThisDN() != null ? request.getThisDN() : NO_DN;
        stats.computeIfAbsent(dn, k -> new TreeMap<>()).merge(request.name(), 1, Integer::sum);
    }

    private Dn dnOfAgent(String agentId) {
        return dnsByAgent.get(agentId);
    }

    /** The agent is on the DN now (a mirror may learn it over an agent it did not see leave). */
    private void logIn(Dn dn, String agentId) {
        if (dn.agentId != null) {
            dnsByAgent.remove(dn.agentId, dn);
        }
        dn.agentId = agentId;
        if (agentId != null) {
            dnsByAgent.put(agentId, dn);
        }
    }

    private void logOut(Dn dn) {
        if (dn.agentId != null) {
            dnsByAgent.remove(dn.agentId, dn);
        }
        dn.logOut();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static boolean hasKey(KeyValueCollection collection, String key) {
        return collection.pairs().stream().anyMatch(p -> p.key().equals(key));
    }

    private record Request(ClientSession session, TlibMessage message, int referenceId) {}

    /** One DN of the switch and the agent on it. */
    private static final class Dn {
        final String name;
        String agentId;
        AgentStatus status = AgentStatus.LoggedOut;
        AgentWorkMode workMode = AgentWorkMode.Unknown;
        String reasonCode;
        boolean dnd;

        Dn(String name) {
            this.name = name;
        }

        void logOut() {
            agentId = null;
            status = AgentStatus.LoggedOut;
            workMode = AgentWorkMode.Unknown;
            reasonCode = null;
        }
    }

    /** A call from a caller (a DN of this switch, or an outside number) to a DN of this switch. */
    private static final class Call {
        final ConnectionId connId;
        final String caller;
        final boolean callerIsDn;
        final String callee;
        final CallType type;
        final KeyValueCollection userData;
        boolean established;

        Call(
                ConnectionId connId,
                String caller,
                boolean callerIsDn,
                String callee,
                CallType type,
                KeyValueCollection userData) {
            this.connId = connId;
            this.caller = caller;
            this.callerIsDn = callerIsDn;
            this.callee = callee;
            this.type = type;
            this.userData = userData;
        }

        boolean hasParty(String dn) {
            return callee.equals(dn) || callerIsDn && caller.equals(dn);
        }
    }
}
