package io.ucsync.engine;

import io.ucsync.tlib.protocol.AgentWorkMode;
import java.util.List;
import java.util.Objects;

/** The fewest requests that move an agent from its actual state to the desired one. */
public final class ReconcilePlan {

    private ReconcilePlan() {}

    /**
     * @param actual  the state the T-Server last reported, or null when unknown (then the plan is to ask first)
     * @param desired the state to reach, or null to leave the agent alone
     */
    public static List<AgentAction> between(AgentState actual, AgentState desired) {
        if (desired == null || Objects.equals(actual, desired)) {
            return List.of();
        }
        if (actual == null) {
            return List.of(new AgentAction.Query());
        }
        if (desired instanceof AgentState.LoggedOut) {
            return List.of(new AgentAction.Logout());
        }
        if (actual instanceof AgentState.LoggedOut) {
            // One login does it: TLW/1 leaves the agent Ready or NotReady by the work mode it logs in with.
            return List.of(
                    desired instanceof AgentState.NotReady notReady
                            ? new AgentAction.Login(notReady.workMode(), notReady.reasonCode())
                            : new AgentAction.Login(AgentWorkMode.ManualIn, null));
        }
        return List.of(
                desired instanceof AgentState.NotReady notReady
                        ? new AgentAction.NotReady(notReady.workMode(), notReady.reasonCode())
                        : new AgentAction.Ready());
    }
}
