package io.ucsync.engine;

import io.ucsync.config.RosterEntry;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;

/** Translation between the engine's agent actions and states and T-Library messages. */
final class AgentRequests {

    private AgentRequests() {}

    static TServerRequest toRequest(RosterEntry worker, AgentAction action, String cause, String reason) {
        String dn = worker.dn();
        TlibMessage request;
        AgentState target;
        if (action instanceof AgentAction.Login login) {
            request = TlibMessage.create(MessageType.RequestAgentLogin)
                    .thisDN(dn)
                    .agentId(worker.agentId())
                    .password(worker.password() == null ? "" : worker.password())
                    .agentWorkMode(login.workMode());
            if (worker.queue() != null) {
                request.thisQueue(worker.queue());
            }
            request.reasonCode(login.reasonCode());
            target = login.workMode().isReady()
                    ? AgentState.READY
                    : AgentState.notReady(login.workMode(), login.reasonCode());
        } else if (action instanceof AgentAction.Ready) {
            request =
                    TlibMessage.create(MessageType.RequestAgentReady).thisDN(dn).agentWorkMode(AgentWorkMode.ManualIn);
            target = AgentState.READY;
        } else if (action instanceof AgentAction.NotReady notReady) {
            request = TlibMessage.create(MessageType.RequestAgentNotReady)
                    .thisDN(dn)
                    .agentWorkMode(notReady.workMode())
                    .reasonCode(notReady.reasonCode());
            target = AgentState.notReady(notReady.workMode(), notReady.reasonCode());
        } else if (action instanceof AgentAction.Logout) {
            request = TlibMessage.create(MessageType.RequestAgentLogout).thisDN(dn);
            target = AgentState.LOGGED_OUT;
        } else {
            request = TlibMessage.create(MessageType.RequestQueryAddress)
                    .thisDN(dn)
                    .addressInfoType(AddressInfoType.AgentStatus);
            target = null;
        }
        return new TServerRequest(
                worker.sipUri(), worker.tserver(), request, target, cause, reason, System.nanoTime(), null);
    }

    /** The agent state an agent event or EventAddressInfo reports, or null when the message reports none. */
    static AgentState reportedBy(TlibMessage event) {
        MessageType type = event.type();
        if (type == null) {
            return null;
        }
        return switch (type) {
            case EventAgentReady -> AgentState.READY;
            case EventAgentNotReady -> notReady(event);
            case EventAgentLogout -> AgentState.LOGGED_OUT;
            case EventAgentLogin ->
                event.getAgentWorkMode() != null && !event.getAgentWorkMode().isReady()
                        ? notReady(event)
                        : AgentState.READY;
            case EventAddressInfo -> {
                AgentStatus status = event.getAddressInfoStatus();
                if (status == null) {
                    yield null;
                }
                yield switch (status) {
                    case LoggedOut -> AgentState.LOGGED_OUT;
                    case Ready -> AgentState.READY;
                    case NotReady -> notReady(event);
                };
            }
            default -> null;
        };
    }

    private static AgentState notReady(TlibMessage event) {
        AgentWorkMode mode = event.getAgentWorkMode();
        return AgentState.notReady(
                mode == null || mode.isReady() || mode == AgentWorkMode.Unknown ? AgentWorkMode.AuxWork : mode,
                event.getReasonCode());
    }
}
