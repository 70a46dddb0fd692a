package io.ucsync.lab.tserver;

import io.ucsync.lab.tserver.SwitchState.Call;
import io.ucsync.lab.tserver.SwitchState.Dn;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.DnRole;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;

/**
 * The events that describe a DN's agent or a call (src/main/docs/tlw1.md section 5): which attributes each carries.
 * Apart from the conversation because a request and the control API (an outside call, its answer and release) tell
 * the same changes with the same events.
 */
final class SwitchEvents {

    private SwitchEvents() {}

    static TlibMessage agentEvent(MessageType type, Dn dn) {
        return TlibMessage.create(type).thisDN(dn.name).agentId(dn.agentId).agentWorkMode(dn.workMode);
    }

    /** EventAgentReady or EventAgentNotReady {AgentWorkMode, Reasons} for the DN's current status. */
    static TlibMessage statusEvent(Dn dn) {
        if (dn.status == AgentStatus.Ready) {
            return agentEvent(MessageType.EventAgentReady, dn);
        }
        return agentEvent(MessageType.EventAgentNotReady, dn).reasonCode(dn.reasonCode);
    }

    /** A call event on the caller's side (ThisDNRole 1) or the callee's side (ThisDNRole 2). */
    static TlibMessage callEvent(MessageType type, Call call, boolean callerSide) {
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
}
