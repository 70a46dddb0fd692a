package io.ucsync.lab.tserver;

import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.ServerRole;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the emulated switch knows: its DNs and the agents on them, its calls, the switch link and the server role.
 * Kept apart from the conversation that changes it because three parties change it (a client's requests, the control
 * API and, on a backup, the followed primary's events) and each reads it the same way.
 * <p>
 * Confined to the emulator's single event loop, like everything that touches it: no locks.
 */
final class SwitchState {

    private final Map<String, Dn> dns = new LinkedHashMap<>();
    /** The DN each logged-in agent is on, by AgentID: a login checks it without a scan of every DN. */
    private final Map<String, Dn> dnsByAgent = new HashMap<>();

    private final Map<ConnectionId, Call> calls = new LinkedHashMap<>();
    private ServerRole role;
    private boolean linkUp = true;

    SwitchState(List<String> dnNames, ServerRole role) {
        dnNames.forEach(name -> dns.put(name, new Dn(name)));
        this.role = role;
    }

    // ---- DNs and agents

    boolean hasDn(String name) {
        return dns.containsKey(name);
    }

    /** The DN of that name, or null when it is not configured. */
    Dn dn(String name) {
        return dns.get(name);
    }

    List<String> dnNames() {
        return List.copyOf(dns.keySet());
    }

    Dn dnOfAgent(String agentId) {
        return dnsByAgent.get(agentId);
    }

    /** The agent is on the DN now (a mirror may learn it over an agent it did not see leave). */
    void logIn(Dn dn, String agentId) {
        if (dn.agentId != null) {
            dnsByAgent.remove(dn.agentId, dn);
        }
        dn.agentId = agentId;
        if (agentId != null) {
            dnsByAgent.put(agentId, dn);
        }
    }

    void logOut(Dn dn) {
        if (dn.agentId != null) {
            dnsByAgent.remove(dn.agentId, dn);
        }
        dn.logOut();
    }

    // ---- calls

    void addCall(Call call) {
        calls.put(call.connId, call);
    }

    /** The call with that ConnID, or null. */
    Call call(ConnectionId connId) {
        return calls.get(connId);
    }

    /** The call with that ConnID, made by {@code newCall} when there is none yet. */
    Call callOrAdd(ConnectionId connId, Function<ConnectionId, Call> newCall) {
        return calls.computeIfAbsent(connId, newCall);
    }

    void removeCall(ConnectionId connId) {
        calls.remove(connId);
    }

    // ---- link and role

    ServerRole role() {
        return role;
    }

    void role(ServerRole role) {
        this.role = role;
    }

    boolean linkUp() {
        return linkUp;
    }

    void linkUp(boolean up) {
        this.linkUp = up;
    }

    // ---- snapshots for the Java API

    List<DnState> states() {
        return dns.values().stream().map(this::snapshot).toList();
    }

    /** @throws IllegalArgumentException when the DN is not configured */
    DnState state(String dn) {
        Dn d = dns.get(dn);
        if (d == null) {
            throw new IllegalArgumentException("DN " + dn + " is not configured");
        }
        return snapshot(d);
    }

    private DnState snapshot(Dn d) {
        List<String> connIds = calls.values().stream()
                .filter(c -> c.hasParty(d.name))
                .map(c -> c.connId.toString())
                .toList();
        return new DnState(d.name, d.agentId, d.status, d.workMode, d.reasonCode, d.dnd, connIds);
    }

    /** One DN of the switch and the agent on it. */
    static final class Dn {
        final String name;
        String agentId;
        AgentStatus status = AgentStatus.LoggedOut;
        AgentWorkMode workMode = AgentWorkMode.Unknown;
        String reasonCode;
        boolean dnd;

        Dn(String name) {
            this.name = name;
        }

        private void logOut() {
            agentId = null;
            status = AgentStatus.LoggedOut;
            workMode = AgentWorkMode.Unknown;
            reasonCode = null;
        }
    }

    /** A call from a caller (a DN of this switch, or an outside number) to a DN of this switch. */
    static final class Call {
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
