package io.ucsync.lab.tserver;

import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.util.List;

/**
 * A snapshot of one emulated DN: the agent logged in on it (null when none), its status and work mode
 * ({@link AgentWorkMode#Unknown} when logged out), its not-ready reason code (null when none), do-not-disturb
 * and the ConnIDs (16 hex digits) of the calls it is a party to.
 */
public record DnState(
        String dn,
        String agentId,
        AgentStatus status,
        AgentWorkMode workMode,
        String reasonCode,
        boolean dnd,
        List<String> calls) {

    public DnState {
        calls = List.copyOf(calls);
    }
}
