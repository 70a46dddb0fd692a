package io.ucsync.engine;

import io.ucsync.tlib.protocol.AgentWorkMode;
import java.util.Objects;

/** An agent's state on the T-Server, as ucsync wants it or as the T-Server reported it. */
public sealed interface AgentState permits AgentState.LoggedOut, AgentState.Ready, AgentState.NotReady {

    LoggedOut LOGGED_OUT = new LoggedOut();
    Ready READY = new Ready();

    static NotReady notReady(AgentWorkMode workMode, String reasonCode) {
        return new NotReady(workMode, reasonCode);
    }

    /** Not logged in on the worker's DN. */
    record LoggedOut() implements AgentState {
        @Override
        public String toString() {
            return "LoggedOut";
        }
    }

    /** Logged in and available for contact-center work. */
    record Ready() implements AgentState {
        @Override
        public String toString() {
            return "Ready";
        }
    }

    /** Logged in and not available, with the work mode and the reason code sent in Reasons. */
    record NotReady(AgentWorkMode workMode, String reasonCode) implements AgentState {
        public NotReady {
            Objects.requireNonNull(workMode, "workMode");
        }

        @Override
        public String toString() {
            return "NotReady(" + workMode + (reasonCode == null ? "" : ", " + reasonCode) + ")";
        }
    }
}
