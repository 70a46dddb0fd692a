package io.ucsync.lab.tserver;

import io.ucsync.lab.tserver.SwitchState.Call;
import io.ucsync.lab.tserver.SwitchState.Dn;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a backup's switch follows its primary: the events the {@link MirrorClient} receives become this switch's state,
 * without events to this server's own DN clients, so that after a promotion agents and calls are where they were.
 * Apart from the {@link MirrorClient}, which owns the connection to the primary, and from the conversation, which
 * answers requests: here events are read, not requests.
 * <p>
 * Runs on the emulator's single event loop.
 */
final class PrimaryFollower {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryFollower.class);

    private final SwitchState state;
    private final SwitchControl control;

    PrimaryFollower(SwitchState state, SwitchControl control) {
        this.state = state;
        this.control = control;
    }

    /** The DNs a mirroring backup registers and queries at the primary after RequestRegisterClient: all of its own. */
    List<String> dnNames() {
        return state.dnNames();
    }

    /** Applies an event of the followed primary to this switch's state. */
    void follow(TlibMessage event) {
        MessageType type = event.type();
        if (type == MessageType.EventLinkConnected || type == MessageType.EventLinkDisconnected) {
            control.setLink(type == MessageType.EventLinkConnected);
            return;
        }
        if (type == null || event.getThisDN() == null) {
            return;
        }
        Dn dn = state.dn(event.getThisDN());
        if (dn == null) {
            return;
        }
        AgentWorkMode mode = event.getAgentWorkMode();
        switch (type) {
            case EventAddressInfo -> {
                if (event.getAddressInfoStatus() == AgentStatus.LoggedOut || event.getAgentId() == null) {
                    state.logOut(dn);
                } else {
                    state.logIn(dn, event.getAgentId());
                    dn.status = event.getAddressInfoStatus();
                    dn.workMode = mode != null ? mode : AgentWorkMode.Unknown;
                    dn.reasonCode = event.getReasonCode();
                }
            }
            case EventAgentLogin -> {
                state.logIn(dn, event.getAgentId());
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
            case EventAgentLogout -> state.logOut(dn);
            case EventDNDOn -> dn.dnd = true;
            case EventDNDOff -> dn.dnd = false;
            case EventDialing ->
                state.callOrAdd(
                        event.getConnId(),
                        id -> new Call(id, dn.name, true, event.getOtherDN(), CallType.Internal, event.getUserData()));
            case EventRinging ->
                state.callOrAdd(event.getConnId(), id -> {
                    boolean inbound = event.getCallType() == CallType.Inbound;
                    return new Call(
                            id,
                            event.getOtherDN(),
                            !inbound && state.hasDn(event.getOtherDN()),
                            dn.name,
                            inbound ? CallType.Inbound : CallType.Internal,
                            event.getUserData());
                });
            case EventEstablished -> {
                Call call = event.getConnId() == null ? null : state.call(event.getConnId());
                if (call != null) {
                    call.established = true;
                }
            }
            case EventReleased -> {
                if (event.getConnId() != null) {
                    state.removeCall(event.getConnId());
                }
            }
            default -> LOG.debug("mirror: nothing to follow in {}", event.name());
        }
    }
}
