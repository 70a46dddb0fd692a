package io.ucsync.engine;

import io.ucsync.tlib.protocol.AgentWorkMode;

/** One request that moves an agent towards its desired state; the engine sends it as the matching T-Library request. */
public sealed interface AgentAction {

    /** RequestQueryAddress: learn the actual state first. */
    record Query() implements AgentAction {}

    /** RequestAgentLogin with the work mode that leaves the agent Ready or NotReady(reason). */
    record Login(AgentWorkMode workMode, String reasonCode) implements AgentAction {}

    /** RequestAgentReady. */
    record Ready() implements AgentAction {}

    /** RequestAgentNotReady with the work mode and reason code. */
    record NotReady(AgentWorkMode workMode, String reasonCode) implements AgentAction {}

    /** RequestAgentLogout. */
    record Logout() implements AgentAction {}
}
