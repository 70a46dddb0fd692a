package io.ucsync.sip;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health of one front end's user agent, {@code uc-pool-<name>}: UP while it is started, its server answers and
 * every watched worker's subscription is active; the details say which server it uses, why it left the one before,
 * and how many subscriptions are active.
 */
final class SipPresenceAgentHealthCheck extends AbstractHealthCheck {

    private final SipPresenceAgent agent;

    SipPresenceAgentHealthCheck(SipPresenceAgent agent) {
        super("sip-presence", "uc-pool-" + agent.frontEnd());
        this.agent = agent;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        SipServerStatus server = agent.serverStatus();
        Map<String, String> subscriptions = agent.subscriptionStates();
        long active = subscriptions.values().stream().filter("ACTIVE"::equals).count();
        builder.detail("pool", agent.frontEnd());
        builder.detail("server", server.server() + (server.reachable() ? "" : " (not answering)"));
        if (server.previous() != null) {
            builder.detail("left", server.previous() + ": " + server.leftBecause());
        }
        builder.detail("subscriptions", active + " of " + subscriptions.size() + " active");
        if (agent.isStarted() && server.reachable() && active == subscriptions.size()) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
