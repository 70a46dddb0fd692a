package io.ucsync.routes;

import io.ucsync.engine.AgentState;
import io.ucsync.engine.TServerRequest;
import io.ucsync.engine.UcPublication;
import io.ucsync.presence.Availability;
import io.ucsync.sip.PresencePublication;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;

/** Commands as the engine makes them, for the route tests. */
final class RouteFixtures {

    private RouteFixtures() {}

    /** RequestAgentReady for the worker's agent on DN 5001 of that T-Server. */
    static TServerRequest agentReady(String sipUri, String tserver) {
        TlibMessage request =
                TlibMessage.create(MessageType.RequestAgentReady).thisDN("5001").agentWorkMode(AgentWorkMode.ManualIn);
        return new TServerRequest(
                sipUri, tserver, request, AgentState.READY, "presence Available", null, System.nanoTime(), null);
    }

    /** The on-call presence of the worker, on that UC pool. */
    static UcPublication onThePhone(String sipUri, String pool) {
        return new UcPublication(pool, PresencePublication.publish(sipUri, Availability.BUSY, "on-the-phone"));
    }
}
