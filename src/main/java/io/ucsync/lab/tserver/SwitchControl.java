package io.ucsync.lab.tserver;

import io.ucsync.lab.tserver.SwitchState.Call;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to the switch from outside TLW/1, through the emulator's Java API and control port: a call from an
 * outside number, its answer and release, the switch link going down and up, a backup's promotion. Each change
 * reaches the clients as the events a real switch would send. Apart from the conversation because none of it is a
 * client's request: no ReferenceID, no checks of section 4, its refusals are exceptions to the caller.
 * <p>
 * Runs on the emulator's single event loop.
 */
final class SwitchControl {

    private static final Logger LOG = LoggerFactory.getLogger(SwitchControl.class);

    private final SwitchState state;
    private final EmulatedSwitch conversation;
    private final ClientSessions sessions;

    SwitchControl(SwitchState state, EmulatedSwitch conversation, ClientSessions sessions) {
        this.state = state;
        this.conversation = conversation;
        this.sessions = sessions;
    }

    ConnectionId callFromOutside(String from, String toDn) {
        requirePrimaryWithLink();
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("the calling number must not be blank");
        }
        if (!state.hasDn(toDn)) {
            throw new IllegalArgumentException("DN " + toDn + " is not configured");
        }
        Call call = new Call(ConnectionId.random(), from, false, toDn, CallType.Inbound, null);
        state.addCall(call);
        sessions.publish(null, toDn, SwitchEvents.callEvent(MessageType.EventRinging, call, false));
        return call.connId;
    }

    void answer(ConnectionId connId) {
        requirePrimaryWithLink();
        Call call = existingCall(connId);
        if (call.established) {
            throw new IllegalStateException("ConnID " + connId + " is already established");
        }
        conversation.establish(call, null);
    }

    void release(ConnectionId connId) {
        requirePrimaryWithLink();
        Call call = existingCall(connId);
        conversation.release(call, null, call.callee);
    }

    private Call existingCall(ConnectionId connId) {
        Call call = state.call(connId);
        if (call == null) {
            throw new IllegalArgumentException("no call with ConnID " + connId);
        }
        return call;
    }

    private void requirePrimaryWithLink() {
        if (state.role() != ServerRole.Primary) {
            throw new IllegalStateException("the server is in Backup role");
        }
        if (!state.linkUp()) {
            throw new IllegalStateException("the switch link is down");
        }
    }

    void setLink(boolean up) {
        if (state.linkUp() == up) {
            return;
        }
        state.linkUp(up);
        LOG.info("switch link {}", up ? "up" : "down");
        sessions.broadcast(TlibMessage.create(up ? MessageType.EventLinkConnected : MessageType.EventLinkDisconnected));
    }

    /** Backup to Primary; false when it already was Primary. */
    boolean promote() {
        if (state.role() == ServerRole.Primary) {
            return false;
        }
        state.role(ServerRole.Primary);
        LOG.info("promoted to Primary");
        sessions.broadcast(TlibMessage.create(MessageType.EventPrimaryChanged).serverRole(ServerRole.Primary));
        return true;
    }
}
